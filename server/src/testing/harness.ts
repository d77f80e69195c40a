// Starts the real server in-process on port 0 with a fresh data dir, and speaks its HTTP API for tests.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { AGENT_CHANNEL_PATH, type EnrollResponse } from "@wegroup/shared";
import type { Clock } from "../clock.js";
import { type DatabaseTarget, parseConfig, type Tuning } from "../config.js";
import { boot, type RunningServer } from "../server.js";

export interface TestServerOptions {
  tuning?: Partial<Tuning>;
  /** SQLite in the data dir when absent. */
  database?: DatabaseTarget;
  clock?: Clock;
  /** GET /metrics without a token (--metrics-public). */
  metricsPublic?: boolean;
  /** --trust-proxy. */
  trustProxy?: string;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export class TestServer {
  private constructor(
    readonly server: RunningServer,
    readonly root: string,
    /** Every log line and human line the server wrote. */
    readonly logs: string[],
    readonly out: string[],
  ) {}

  static async start(options: TestServerOptions = {}): Promise<TestServer> {
    const root = await mkdtemp(path.join(tmpdir(), "compliance-server-"));
    const dataDir = path.join(root, "data");
    const logs: string[] = [];
    const out: string[] = [];
    const config = parseConfig(
      {
        listen: "127.0.0.1:0",
        dataDir,
        ...(options.database === undefined ? {} : { db: urlOf(options.database) }),
        logLevel: "debug",
        metricsPublic: options.metricsPublic === true,
        ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
      },
      {},
      root,
      options.tuning,
    );
    const logDestination = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(
          ...chunk
            .toString("utf8")
            .split("\n")
            .filter((l) => l !== ""),
        );
        done();
      },
    });
    try {
      const server = await boot(config, {
        out: (line) => out.push(line),
        logDestination,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
      });
      return new TestServer(server, root, logs, out);
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
  }

  get url(): string {
    return this.server.url;
  }

  get wsUrl(): string {
    return `${this.server.url.replace(/^http/, "ws")}${AGENT_CHANNEL_PATH}`;
  }

  get adminToken(): string {
    return this.server.secrets.adminToken;
  }

  /** The data-dir admin token's row name: the actor of what the tests do with `adminToken`. */
  get adminTokenName(): string {
    return this.server.secrets.adminTokenName;
  }

  get enrollSecret(): string {
    return this.server.secrets.enrollSecret;
  }

  async request(
    method: string,
    route: string,
    options: { token?: string | undefined; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }
    const res = await fetch(`${this.url}${route}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (the dashboard): keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  /** With the admin token unless told otherwise; `null` sends none. */
  get(route: string, token: string | null = this.adminToken): Promise<HttpAnswer> {
    return this.request("GET", route, { token: token ?? undefined });
  }

  /** `publicKey`: the device key to bind (absent: a device as agents enrolled it before keys). */
  async enroll(
    hardwareId = `hw-${Math.random().toString(36).slice(2)}`,
    hostname = "test-laptop",
    publicKey?: string,
  ): Promise<EnrollResponse> {
    const answer = await this.request("POST", "/api/v1/enroll", {
      body: { secret: this.enrollSecret, hostname, os: "linux", hardwareId, ...(publicKey === undefined ? {} : { publicKey }) },
    });
    if (answer.status !== 200) throw new Error(`enroll answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body as EnrollResponse;
  }

  async stop(): Promise<void> {
    try {
      await this.server.stop();
    } finally {
      await rm(this.root, { recursive: true, force: true });
    }
  }
}

function urlOf(target: DatabaseTarget): string {
  return target.kind === "sqlite" ? `sqlite:${target.path}` : target.url;
}
