// Runs the real compliance-server binary (bin/ → dist/) as a child process and waits for its listening line (on stderr: stdout is the JSON log).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { withTimeout } from "./wait.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const SERVER_BIN = path.join(REPO_ROOT, "server/bin/compliance-server.js");

/** Builds shared and server (incremental: quick when nothing changed), as `npm run build` would. */
export async function buildServer(): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-b", "shared", "server"], {
    cwd: REPO_ROOT,
  });
  // The dashboard's vendored bundle (Preact, htm, the shared schemas).
  await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, "scripts/build-dashboard.mjs")], { cwd: REPO_ROOT });
}

const LISTENING = /^compliance-server listening on (https?:\/\/\S+)$/m;

export class ServerProcess {
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (s: string) => (this.stdout += s));
    child.stderr?.setEncoding("utf8").on("data", (s: string) => (this.stderr += s));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  /** Starts the binary with a clean COMPLIANCE_* environment plus `env`. */
  static start(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): ServerProcess {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("COMPLIANCE_")) env[k] = v;
    const child = spawn(process.execPath, [SERVER_BIN, ...args], {
      cwd: options.cwd,
      env: { ...env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new ServerProcess(child);
  }

  /** The URL from the listening line, once it is printed. */
  async listening(ms = 20_000): Promise<string> {
    return withTimeout(
      new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const match = LISTENING.exec(this.stderr);
          if (match?.[1] !== undefined) {
            this.child.stderr?.off("data", check);
            resolve(match[1]);
          }
        };
        this.child.stderr?.on("data", check);
        void this.exited.then((code) =>
          reject(new Error(`compliance-server exited (${code}) before listening:\n${this.stderr}\n${this.stdout}`)),
        );
        check();
      }),
      ms,
      `the listening line (stderr so far: ${this.stderr})`,
    );
  }

  /** Lines for a person: stderr. */
  humanLines(): string[] {
    return this.stderr.split("\n").filter((l) => l !== "");
  }

  /** The JSON log: stdout, one object a line. */
  logLines(): string[] {
    return this.stdout.split("\n").filter((l) => l !== "");
  }

  /** SIGTERM, then the exit code (SIGKILL if it does not stop within `ms`). */
  async stop(ms = 10_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill("SIGTERM");
    try {
      return await withTimeout(this.exited, ms, "compliance-server to stop on SIGTERM");
    } catch (error) {
      this.child.kill("SIGKILL");
      throw error;
    }
  }
}
