// The real compliance-server binary as a child process: log to a file, wait for its listening line, stop it, restart it on its port.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { monoMs, waitFor, withTimeout } from "../clock.js";
import { SERVER_BIN } from "../paths.js";
import { rssBytes } from "./usage.js";

export interface ServerOptions {
  dataDir: string;
  /** `127.0.0.1:0` for a free port; a restart passes the port it had. */
  listen: string;
  db?: string | undefined;
  logLevel: string;
  /** When set, the process runs with `--cpu-prof` writing into this folder. */
  cpuProfileDir?: string | undefined;
  logFile: string;
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
    const args = [
      ...(options.cpuProfileDir !== undefined ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
      SERVER_BIN,
      "--listen",
      options.listen,
      "--data-dir",
      options.dataDir,
      "--log-level",
      options.logLevel,
      ...(options.db !== undefined ? ["--db", options.db] : []),
    ];
    // The log goes to a file, not a pipe: the server's synchronous log writes must not wait on the bench.
    const offset = await stat(options.logFile).then((s) => s.size, () => 0);
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

  rss(): Promise<number> {
    return rssBytes(this.pid);
  }

  /** SIGTERM (a graceful stop, as a service manager does it); SIGKILL if it has not exited within `ms`. Answers when it sent the signal. */
  async stop(ms = 30_000): Promise<{ signalledAt: number; exitedAt: number }> {
    const signalledAt = monoMs();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return { signalledAt, exitedAt: signalledAt };
    this.child.kill("SIGTERM");
    try {
      await withTimeout(this.exited, ms, "compliance-server to stop on SIGTERM");
    } catch (error) {
      this.child.kill("SIGKILL");
      await this.exited;
      throw error;
    }
    return { signalledAt, exitedAt: monoMs() };
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
