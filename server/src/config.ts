// The server's configuration: read once from the command line and the environment, validated, frozen.
import { isIP } from "node:net";
import path from "node:path";
import { isLoopbackHost, MAX_FRAME_BYTES } from "@wegroup/shared";

export type DatabaseTarget = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Knobs with sensible defaults that the CLI does not expose; tests and the benchmark turn them. */
export interface Tuning {
  /** How long a new agent connection may take to say hello before it is closed. */
  helloTimeoutMs: number;
  /** Group commit: a batch is written when it holds this many items... */
  batchMaxItems: number;
  /** ...or when its first item has waited this long. */
  batchMaxDelayMs: number;
  /** Enrollment attempts per client address: a burst, then this many a minute. */
  enrollBurst: number;
  enrollPerMinute: number;
  /** Largest HTTP request body. */
  bodyLimitBytes: number;
  /** WebSocket ping interval; a peer that misses one is dropped. */
  pingIntervalMs: number;
  /** Reports one agent connection may have waiting for their commit. */
  maxReportsInFlight: number;
  /** Pre-auth: the first frame of an agent connection (the hello) may be this large... */
  helloMaxBytes: number;
  /** ...and nest objects/arrays this deep (checked on the bytes, before JSON.parse). */
  helloMaxDepth: number;
  /** Pre-auth: bytes of the frames that may wait while the hello is being checked. */
  earlyFramesMaxBytes: number;
  /** Frames one agent connection may send: a burst, then this many a second (beyond: closed, 4429). */
  frameBurst: number;
  framesPerSecond: number;
  /** Authenticated connections one device may open: a burst, then this many a minute (beyond: refused, 4429). */
  deviceConnectionBurst: number;
  deviceConnectionsPerMinute: number;
  /** Largest body of an unauthenticated route (POST /api/v1/enroll). */
  enrollBodyLimitBytes: number;
  /** How often open live-feed streams re-check that their token is still live (a revoke elsewhere, or from the CLI). */
  tokenRecheckMs: number;
  /** Violation rows one device may open in 24 hours; a report that would open more is refused (rate_limited). */
  maxViolationsOpenedPerDevicePerDay: number;
  /** Webhooks: the first retry of a failing receiver waits up to this long, each next one twice as long, at most webhookRetryMaxMs. */
  webhookRetryBaseMs: number;
  webhookRetryMaxMs: number;
  /** Webhooks: a receiver that has not answered within this has failed (retried). */
  webhookTimeoutMs: number;
  /** Webhooks: one instance's claim on a hook lasts this long unless renewed (an instance that died hands it over after it). */
  webhookLeaseMs: number;
  /** Webhooks: storage is checked this often for due deliveries (new events arrive at once, by the bus). */
  webhookPollMs: number;
  /** SQLite only: the largest the database file may grow, in pages (tests use it to meet SQLITE_FULL as a full disk would raise it). */
  sqliteMaxPageCount?: number;
  /**
   * SQLite file only: apply ingest batches in a writer thread with its own connection (default), off the event loop that
   * serves agents. Off (or a manual clock, or :memory:), they are applied on the server's connection in this thread.
   */
  sqliteWriterThread?: boolean;
}

export const DEFAULT_TUNING: Readonly<Tuning> = Object.freeze({
  helloTimeoutMs: 5_000,
  batchMaxItems: 256,
  batchMaxDelayMs: 2,
  enrollBurst: 10,
  enrollPerMinute: 10,
  bodyLimitBytes: 1024 * 1024,
  pingIntervalMs: 30_000,
  maxReportsInFlight: 1_000,
  helloMaxBytes: 8 * 1024,
  helloMaxDepth: 8,
  earlyFramesMaxBytes: MAX_FRAME_BYTES,
  frameBurst: 2_000,
  framesPerSecond: 200,
  deviceConnectionBurst: 10,
  deviceConnectionsPerMinute: 30,
  enrollBodyLimitBytes: 4 * 1024,
  tokenRecheckMs: 10_000,
  maxViolationsOpenedPerDevicePerDay: 5_000,
  webhookRetryBaseMs: 1_000,
  webhookRetryMaxMs: 5 * 60_000,
  webhookTimeoutMs: 10_000,
  webhookLeaseMs: 30_000,
  webhookPollMs: 2_000,
});

/** The knobs an operator may set with `--limit NAME=VALUE` (repeatable) or COMPLIANCE_LIMITS="NAME=VALUE,…". */
export const OPERATOR_LIMITS = [
  "helloMaxBytes",
  "helloMaxDepth",
  "earlyFramesMaxBytes",
  "frameBurst",
  "framesPerSecond",
  "deviceConnectionBurst",
  "deviceConnectionsPerMinute",
  "enrollBodyLimitBytes",
  "enrollBurst",
  "enrollPerMinute",
  "bodyLimitBytes",
  "maxReportsInFlight",
] as const satisfies readonly (keyof Tuning)[];
export type OperatorLimit = (typeof OPERATOR_LIMITS)[number];

export interface Config {
  readonly listen: { readonly host: string; readonly port: number };
  readonly dataDir: string;
  readonly database: DatabaseTarget;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | null;
  /** Serve plain HTTP on a non-loopback address (behind a TLS-terminating proxy): refused unless set. */
  readonly allowInsecureHttp: boolean;
  readonly logLevel: LogLevel;
  /** Reports, resolved violations, events and audit entries older than this many days are deleted. */
  readonly retentionDays: number;
  /** GET /metrics without a token (for a scraper on a trusted network); otherwise a viewer token is needed. */
  readonly metricsPublic: boolean;
  /**
   * Load balancers whose X-Forwarded-For is believed (addresses or CIDR ranges): the client's address (the per-address
   * enrollment limit, logs) is then the one they forwarded. Empty: the peer's address, whatever a header says.
   */
  readonly trustedProxies: readonly string[];
  readonly tuning: Readonly<Tuning>;
}

/** What the command line gave (commander's option names). */
export interface CliOptions {
  listen?: string | undefined;
  db?: string | undefined;
  dataDir?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  logLevel?: string | undefined;
  retentionDays?: string | undefined;
  allowInsecureHttp?: boolean | undefined;
  metricsPublic?: boolean | undefined;
  /** `--trust-proxy ADDR[,ADDR…]` (an address or CIDR range each). */
  trustProxy?: string | undefined;
  /** `--limit NAME=VALUE`, repeatable. */
  limit?: string[] | undefined;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** A configuration mistake, worded for the person who started the server. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export const DEFAULT_LISTEN = "127.0.0.1:8080";
export const DEFAULT_DATA_DIR = "./data";
export const DEFAULT_RETENTION_DAYS = 180;

/** The command line wins over the environment, which wins over the defaults. */
export function parseConfig(cli: CliOptions, env: Environment, cwd: string, tuning: Partial<Tuning> = {}): Config {
  const listen = parseListen(nonEmpty(cli.listen) ?? nonEmpty(env.COMPLIANCE_LISTEN) ?? DEFAULT_LISTEN);
  const dataDir = path.resolve(cwd, nonEmpty(cli.dataDir) ?? nonEmpty(env.COMPLIANCE_DATA_DIR) ?? DEFAULT_DATA_DIR);
  const dbUrl = nonEmpty(cli.db) ?? nonEmpty(env.COMPLIANCE_DB);
  const database: DatabaseTarget =
    dbUrl === undefined ? { kind: "sqlite", path: path.join(dataDir, "compliance.db") } : parseDatabaseUrl(dbUrl, cwd);
  const config: Config = {
    listen,
    dataDir,
    database,
    tls: parseTls(nonEmpty(cli.tlsCert), nonEmpty(cli.tlsKey), cwd),
    logLevel: parseLogLevel(nonEmpty(cli.logLevel) ?? nonEmpty(env.COMPLIANCE_LOG_LEVEL) ?? "info"),
    retentionDays: parseRetentionDays(nonEmpty(cli.retentionDays) ?? nonEmpty(env.COMPLIANCE_RETENTION_DAYS)),
    allowInsecureHttp: cli.allowInsecureHttp === true || /^(1|true|yes)$/i.test(env.COMPLIANCE_ALLOW_INSECURE_HTTP ?? ""),
    metricsPublic: cli.metricsPublic === true || /^(1|true|yes)$/i.test(env.COMPLIANCE_METRICS_PUBLIC ?? ""),
    trustedProxies: parseTrustedProxies(nonEmpty(cli.trustProxy) ?? nonEmpty(env.COMPLIANCE_TRUST_PROXY)),
    tuning: { ...DEFAULT_TUNING, ...parseLimits(env.COMPLIANCE_LIMITS, cli.limit), ...tuning },
  };
  return deepFreeze(config);
}

/** `10.0.0.5,10.1.0.0/16,::1`: each an IP address or a CIDR range; anything else is refused, named. */
export function parseTrustedProxies(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const [address = "", bits, ...rest] = part.split("/");
      const family = isIP(address);
      const max = family === 4 ? 32 : 128;
      const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
      if (family === 0 || !validBits || rest.length > 0)
        throw new ConfigError(
          `--trust-proxy: "${part}" is not an IP address or CIDR range (e.g. 10.0.0.5 or 10.0.0.0/24): list the load balancers whose X-Forwarded-For to believe`,
        );
      return part;
    });
}

/**
 * `COMPLIANCE_LIMITS="a=1,b=2"` then each `--limit a=1` (the command line wins). Whole numbers ≥ 1 of the
 * names in OPERATOR_LIMITS; anything else is refused with the name of the option.
 */
export function parseLimits(fromEnv: string | undefined, fromCli: readonly string[] | undefined): Partial<Tuning> {
  const out: Partial<Tuning> = {};
  const entries = [
    ...(fromEnv ?? "")
      .split(",")
      .filter((e) => e.trim() !== "")
      .map((e) => ({ text: e.trim(), option: "COMPLIANCE_LIMITS" })),
    ...(fromCli ?? []).map((e) => ({ text: e.trim(), option: "--limit" })),
  ];
  for (const { text, option } of entries) {
    const match = /^([A-Za-z]+)=(\d{1,12})$/.exec(text);
    const name = OPERATOR_LIMITS.find((n) => n === match?.[1]);
    if (match === null || name === undefined) {
      throw new ConfigError(`${option}: expected NAME=NUMBER with NAME one of ${OPERATOR_LIMITS.join(", ")}; got "${text}"`);
    }
    const value = Number(match[2]);
    if (!Number.isSafeInteger(value) || value < 1)
      throw new ConfigError(`${option}: ${name} must be a whole number of at least 1, got "${match[2]}"`);
    out[name] = value;
  }
  return out;
}

/**
 * Plain HTTP off loopback would carry device credentials, the enrollment secret and bearer tokens across the
 * network in clear text: refused unless TLS is configured or the operator says a proxy terminates TLS.
 */
export function checkTransport(config: Pick<Config, "listen" | "tls" | "allowInsecureHttp">): void {
  if (config.tls !== null || config.allowInsecureHttp || isLoopbackHost(config.listen.host)) return;
  throw new ConfigError(
    `refusing to serve plain HTTP on ${config.listen.host}, which is not a loopback address: agents' credentials, the enrollment secret and API tokens would cross the network unencrypted. ` +
      "Give --tls-cert and --tls-key, or --allow-insecure-http (env COMPLIANCE_ALLOW_INSECURE_HTTP=1) when a TLS-terminating proxy sits in front of this server.",
  );
}

/** `HOST:PORT` or `[IPv6]:PORT`; port 0 asks the OS for a free port. */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(value.trim());
  if (match === null) throw new ConfigError(`--listen: expected HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got "${value}"`);
  const host = match[1] ?? match[2] ?? "";
  const port = Number(match[3]);
  if (port > 65_535) throw new ConfigError(`--listen: port ${port} is out of range 0-65535`);
  return { host, port };
}

/** `sqlite:<path>` (relative to the working directory), `sqlite::memory:`, or `postgres://…`. */
export function parseDatabaseUrl(value: string, cwd: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(value)) return { kind: "postgres", url: value };
  if (/^sqlite:/i.test(value)) {
    let file = value.slice("sqlite:".length);
    if (file.startsWith("//")) file = file.slice(2); // sqlite:///abs/path
    if (file === "") throw new ConfigError(`--db: "${value}" names no file; expected sqlite:<path>`);
    return { kind: "sqlite", path: file === ":memory:" ? file : path.resolve(cwd, file) };
  }
  throw new ConfigError(`--db: expected sqlite:<path> or postgres://user@host:port/database, got "${redactUrl(value)}"`);
}

function parseTls(certFile: string | undefined, keyFile: string | undefined, cwd: string): Config["tls"] {
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined || keyFile === undefined) throw new ConfigError("--tls-cert and --tls-key go together: give both or neither");
  return { certFile: path.resolve(cwd, certFile), keyFile: path.resolve(cwd, keyFile) };
}

function parseLogLevel(value: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === value.toLowerCase());
  if (level === undefined) throw new ConfigError(`--log-level: expected one of ${LOG_LEVELS.join(", ")}, got "${value}"`);
  return level;
}

/** Whole days, 1 to 100 years: the privacy statement promises a bounded period, so "forever" is not a value. */
export function parseRetentionDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RETENTION_DAYS;
  const days = /^\s*\d{1,5}\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > 36_500)
    throw new ConfigError(`--retention-days: expected a whole number of days from 1 to 36500, got "${value}"`);
  return days;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** A database URL may carry a password: never repeat it in a message. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
