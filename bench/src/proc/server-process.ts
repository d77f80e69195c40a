// The real compliance-server binary as a child process: log to a file, wait for its listening line, stop it, restart it on its port.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, open, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { monoMs, waitFor, withTimeout } from "../clock.js";
import { BENCH_DIST, SERVER_BIN } from "../paths.js";
import { rssBytes } from "./usage.js";

export interface ServerOptions {
  dataDir: string;
  /** `127.0.0.1:0` for a free port; a restart passes the port it had. */
  listen: string;
  db?: string | undefined;
  logLevel: string;
  /** When set, the process is profiled from its start; `writeProfile` puts the profile into this folder. */
  cpuProfileDir?: string | undefined;
  logFile: string;
  /** `--limit name=value` settings. */
  limits?: readonly string[] | undefined;
  /** `--trust-proxy`: the load balancer in front (several instances behind HAProxy). */
  trustProxy?: string | undefined;
}

const LISTENING = /^compliance-server listening on (https?:\/\/\S+)$/m;

export class ServerUnderTest {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly options: ServerOptions,
    readonly exited: Promise<number | null>,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  static async start(options: ServerOptions): Promise<ServerUnderTest> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("COMPLIANCE_")) env[k] = v;
    const profiling = options.cpuProfileDir !== undefined;
    if (profiling) {
      await mkdir(options.cpuProfileDir as string, { recursive: true });
      env.BENCH_CPU_PROFILE_FILE = path.join(options.cpuProfileDir as string, "server.cpuprofile");
    }
    const args = [
      ...(profiling ? ["--import", pathToFileURL(path.join(BENCH_DIST, "proc/profile-probe.js")).href] : []),
      SERVER_BIN,
      "--listen",
      options.listen,
      "--data-dir",
      options.dataDir,
      "--log-level",
      options.logLevel,
      ...(options.db !== undefined ? ["--db", options.db] : []),
      ...(options.limits ?? []).flatMap((limit) => ["--limit", limit]),
      ...(options.trustProxy === undefined ? [] : ["--trust-proxy", options.trustProxy]),
    ];
    // The log goes to a file, not a pipe: the server's synchronous log writes must not wait on the bench.
    const offset = await stat(options.logFile).then(
      (s) => s.size,
      () => 0,
    );
    const fd = openSync(options.logFile, "a");
    const child = spawn(process.execPath, args, { cwd: path.dirname(options.dataDir), env, stdio: ["ignore", fd, fd] });
    closeSync(fd);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    let exitCode: number | null | undefined;
    void exited.then((code) => (exitCode = code ?? -1));
    let url: string | undefined;
    await waitFor(
      async () => {
        if (exitCode !== undefined) throw new Error(`compliance-server exited (${exitCode}) before listening; see ${options.logFile}`);
        const text = await readFrom(options.logFile, offset);
        url = LISTENING.exec(text)?.[1];
        return url !== undefined;
      },
      30_000,
      `compliance-server to print its listening line (log: ${options.logFile})`,
    );
    return new ServerUnderTest(child, url ?? "", options, exited);
  }

  /** Asks the profile probe for the profile so far; settles once the file is there (or after 30 s). */
  async writeProfile(): Promise<boolean> {
    const file = path.join(this.options.cpuProfileDir ?? "", "server.cpuprofile");
    if (this.options.cpuProfileDir === undefined || this.child.exitCode !== null) return false;
    this.child.kill("SIGUSR2");
    try {
      await waitFor(
        async () =>
          stat(file).then(
            () => true,
            () => false,
          ),
        30_000,
        "the CPU profile to be written",
        100,
      );
      return true;
    } catch {
      return false;
    }
  }

  rss(): Promise<number> {
    return rssBytes(this.pid);
  }

  /**
   * SIGTERM (a graceful stop, as a service manager does it); SIGKILL if it has not exited within `graceMs`,
   * as a service manager would too. Answers when it was signalled, when it exited, and whether it had to be killed.
   */
  async stop(graceMs = 15_000): Promise<{ signalledAt: number; exitedAt: number; killed: boolean }> {
    const signalledAt = monoMs();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return { signalledAt, exitedAt: signalledAt, killed: false };
    this.child.kill("SIGTERM");
    let killed = false;
    try {
      await withTimeout(this.exited, graceMs, "compliance-server to stop on SIGTERM");
    } catch {
      killed = true;
      this.child.kill("SIGKILL");
      await this.exited;
    }
    return { signalledAt, exitedAt: monoMs(), killed };
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

export async function readDataDirSecret(dataDir: string, name: "admin-token" | "enroll-secret"): Promise<string> {
  return (await readFile(path.join(dataDir, name), "utf8")).trim();
}

/** The text a file gained after `offset` (the log of this start only, not of an earlier one). */
async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, "r");
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.max(0, Math.min(size - offset, 1 << 20)));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString("utf8");
  } finally {
    await handle.close();
  }
}
