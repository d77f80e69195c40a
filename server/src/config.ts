// The server's configuration: read once from the command line and the environment, validated, frozen.
import path from "node:path";

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
  /** Violation rows one device may open in 24 hours; a report that would open more is refused (rate_limited). */
  maxViolationsOpenedPerDevicePerDay: number;
  /** SQLite only: the largest the database file may grow, in pages (tests use it to meet SQLITE_FULL as a full disk would raise it). */
  sqliteMaxPageCount?: number;
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
  maxViolationsOpenedPerDevicePerDay: 5_000,
});

export interface Config {
  readonly listen: { readonly host: string; readonly port: number };
  readonly dataDir: string;
  readonly database: DatabaseTarget;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | null;
  readonly logLevel: LogLevel;
  /** Reports, resolved violations, events and audit entries older than this many days are deleted. */
  readonly retentionDays: number;
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
  const database: DatabaseTarget = dbUrl === undefined ? { kind: "sqlite", path: path.join(dataDir, "compliance.db") } : parseDatabaseUrl(dbUrl, cwd);
  const config: Config = {
    listen,
    dataDir,
    database,
    tls: parseTls(nonEmpty(cli.tlsCert), nonEmpty(cli.tlsKey), cwd),
    logLevel: parseLogLevel(nonEmpty(cli.logLevel) ?? nonEmpty(env.COMPLIANCE_LOG_LEVEL) ?? "info"),
    retentionDays: parseRetentionDays(nonEmpty(cli.retentionDays) ?? nonEmpty(env.COMPLIANCE_RETENTION_DAYS)),
    tuning: { ...DEFAULT_TUNING, ...tuning },
  };
  return deepFreeze(config);
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
  if (!Number.isInteger(days) || days < 1 || days > 36_500) throw new ConfigError(`--retention-days: expected a whole number of days from 1 to 36500, got "${value}"`);
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
