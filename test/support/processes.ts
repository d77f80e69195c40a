// Test support: the real server and agent programs as child processes, started on port 0 and stopped for sure.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterEach, beforeEach, expect } from "vitest";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SERVER_BIN = join(ROOT, "server", "bin", "compliance-server.js");
export const AGENT_BIN = join(ROOT, "agent", "bin", "compliance-agent.js");

/**
 * Agents started by the tests never enroll from this machine's own silent-enrollment file
 * (/etc/compliance-agent/enroll.json, which the installer tests write while they run): a test that wants one names it.
 */
const ISOLATED = { COMPLIANCE_AGENT_ENROLL_CONFIG: join(tmpdir(), "wg-tests-no-enroll-config.json") };

export interface RunningProcess {
  child: ChildProcess;
  /** Writes a line to its stdin (started with `{ stdin: "pipe" }`). */
  writeLine(line: string): void;
  output: () => string;
  /** Resolves with the first stdout/stderr line matching `pattern`, or rejects after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  options: { stdin?: "ignore" | "pipe" } = {},
): RunningProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...ISOLATED, ...env },
    stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
  });
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    writeLine(line) {
      if (child.stdin === null) throw new Error("the process was started without a stdin pipe");
      child.stdin.write(`${line}\n`);
    },
    output: () => text,
    waitForLine(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const m = pattern.exec(text);
          if (m !== null) {
            cleanup();
            resolve(m);
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; output so far:\n${text.slice(-4000)}`));
        }, timeoutMs);
        const onExit = (): void => {
          if (!check()) {
            cleanup();
            reject(new Error(`process exited before printing ${pattern}; output:\n${text.slice(-4000)}`));
          }
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(listener);
          child.off("exit", onExit);
        };
        const listener = (): void => void check();
        if (check()) return;
        listeners.add(listener);
        child.once("exit", onExit);
      });
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface TestServer {
  url: string;
  dataDir: string;
  adminToken: string;
  enrollSecret: string;
  process: RunningProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServerOptions {
  dataDir?: string;
  db?: string;
  listen?: string;
  tls?: { cert: string; key: string };
}

/** Starts `compliance-server` on 127.0.0.1:0 with a fresh data dir (or the given one) and waits until it listens. */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "wg-server-")));
  const args = [SERVER_BIN, "--listen", options.listen ?? "127.0.0.1:0", "--data-dir", dataDir];
  if (options.db !== undefined) args.push("--db", options.db);
  if (options.tls !== undefined) args.push("--tls-cert", options.tls.cert, "--tls-key", options.tls.key);
  const proc = startProcess(args, { COMPLIANCE_LOG_LEVEL: "warn" });
  const m = await proc.waitForLine(/listening on (https?:\/\/[^\s]+)/);
  const url = (m[1] ?? "").replace(/\/$/, "");
  const adminToken = (await readFile(join(dataDir, "admin-token"), "utf8")).trim();
  const enrollSecret = (await readFile(join(dataDir, "enroll-secret"), "utf8")).trim();
  return {
    url,
    dataDir,
    adminToken,
    enrollSecret,
    process: proc,
    async stop(signal) {
      await proc.stop(signal);
    },
  };
}

/** Runs `compliance-agent …` to completion (in `cwd`, the repository root by default). */
export async function runAgentCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd: string = ROOT,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [AGENT_BIN, ...args], {
    cwd,
    env: { ...process.env, ...ISOLATED, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  return { code, stdout, stderr };
}

/** The `compliance-agent enroll` arguments for the laptop replayed from `bundle` into `state`, with the server's secret and `extra` (`--ca`). */
export function enrollArgs(
  server: { url: string; enrollSecret: string },
  state: string,
  bundle: string,
  extra: readonly string[] = [],
): string[] {
  return ["enroll", "--server", server.url, "--secret", server.enrollSecret, "--state-dir", state, ...extra, "--replay", bundle];
}

/** {@link enrollArgs} run to completion: fails the test, with the agent's stderr, unless it enrolled. */
export async function enrollAgent(
  server: { url: string; enrollSecret: string },
  state: string,
  bundle: string,
  extra: readonly string[] = [],
): Promise<void> {
  const enrolled = await runAgentCli(enrollArgs(server, state, bundle, extra));
  expect(enrolled.code, enrolled.stderr).toBe(0);
}

/** `compliance-agent run` of the laptop replayed from `bundle`, its state in `state`. */
export function runAgent(
  state: string,
  bundle: string,
  env: NodeJS.ProcessEnv = {},
  options: { stdin?: "ignore" | "pipe" } = {},
): RunningProcess {
  return startProcess([AGENT_BIN, "run", "--state-dir", state, "--replay", bundle], env, options);
}

export interface ServerPerTest {
  /** This test's own folder: the server's data dir is its `server/`. */
  readonly dir: string;
  readonly server: TestServer;
  /** {@link runAgent}, stopped after the test (before the server). */
  runAgent(state: string, bundle: string, env?: NodeJS.ProcessEnv): RunningProcess;
}

/**
 * For each test of the describe block that calls it: a fresh temporary folder and a `compliance-server` in it; after the
 * test, the agents it started with `runAgent` and the server are stopped and the folder removed. `options(dir)` adds to
 * startServer's options (TLS files made in the folder, say).
 */
export function serverPerTest(prefix: string, options: (dir: string) => Promise<ServerOptions> = async () => ({})): ServerPerTest {
  let current: { dir: string; server: TestServer } | undefined;
  const agents: RunningProcess[] = [];
  beforeEach(async () => {
    const dir = await tempDir(prefix);
    current = { dir, server: await startServer({ dataDir: join(dir, "server"), ...(await options(dir)) }) };
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop()));
    await current?.server.stop();
    if (current !== undefined) await removeDir(current.dir);
    current = undefined;
  });
  const now = (): { dir: string; server: TestServer } => {
    if (current === undefined) throw new Error("serverPerTest: the server runs only while a test does");
    return current;
  };
  return {
    get dir() {
      return now().dir;
    },
    get server() {
      return now().server;
    },
    runAgent(state, bundle, env = {}) {
      const agent = runAgent(state, bundle, env);
      agents.push(agent);
      return agent;
    },
  };
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Polls `probe` until it returns a value (not undefined), bounded by `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last !== undefined ? ` (last error: ${last instanceof Error ? last.message : inspect(last)})` : ""}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A shared zod schema (ViolationPage, DeviceList, Policy, …): whatever parses an unknown body into T. */
export interface BodySchema<T> {
  parse(data: unknown): T;
}

/**
 * Calls the API and parses the answer with the shared schema the server answers by: a field the server dropped,
 * renamed or mistyped fails here, by name, instead of reading as undefined later. A non-2xx answer throws.
 */
export async function api<T>(
  server: { url: string },
  token: string,
  path: string,
  schema: BodySchema<T>,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(init.headers ?? {}),
    },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  return { status: res.status, body: schema.parse(JSON.parse(text)) };
}
