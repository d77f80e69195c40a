// HAProxy (Debian's package) as a child process of the bench, in front of several instances: its config generated
// into the run's temporary folder, started in the foreground, ready once /healthz answers through it.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { monoMs, sleep, withTimeout } from "../clock.js";
import { BENCH_OWN_CONNECTIONS, HAPROXY_RESERVED_FDS, type HaproxyBackend, haproxyConfig, haproxyMaxconn } from "../lb/haproxy-config.js";

export const HAPROXY_MISSING =
  "HAProxy is not installed (no `haproxy` on PATH): --instances N puts a real HAProxy in front of the instances; install it with `apt-get install -y haproxy`";

/** The open-file limits of a process (this one by default): soft and hard, from /proc. */
export function openFileLimits(pid: number | "self" = "self"): { soft: number; hard: number } {
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"));
  const value = (v: string | undefined): number => (v === undefined || v === "unlimited" ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: value(line?.[1]), hard: value(line?.[2]) };
}

/** Whether a process started by this one may raise its open-file limit above the hard limit (CAP_SYS_RESOURCE). */
export function canRaiseFileLimit(): boolean {
  const capEff = /^CapEff:\s+([0-9a-f]+)/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  return capEff !== undefined && (BigInt(`0x${capEff}`) & (1n << 24n)) !== 0n;
}

/**
 * What one HAProxy can carry here: every proxied agent holds two descriptors (its side and the instance's side).
 * Throws a message saying so when `agents` do not fit and HAProxy cannot raise its limit (no CAP_SYS_RESOURCE).
 */
export function haproxyFit(agents: number): { maxconn: number; limit: number; raises: boolean } {
  const needed = agents + BENCH_OWN_CONNECTIONS;
  const { hard } = openFileLimits();
  const raises = canRaiseFileLimit();
  if (raises) return { maxconn: needed, limit: hard, raises };
  const fits = haproxyMaxconn(hard);
  if (needed > fits)
    throw new Error(
      `one HAProxy cannot carry ${agents} agents here: each proxied connection holds 2 open files (agent side and instance side), so it needs ${2 * needed + HAPROXY_RESERVED_FDS}, and the hard open-file limit of every process on this machine is ${hard} (ulimit -Hn), which not even root may raise here (no CAP_SYS_RESOURCE); at most ${fits - BENCH_OWN_CONNECTIONS} agents (--agents) fit through one HAProxy`,
    );
  return { maxconn: fits, limit: hard, raises };
}

/** Throws HAPROXY_MISSING when there is no `haproxy` to run. */
export function requireHaproxy(): void {
  try {
    execFileSync("haproxy", ["-v"], { stdio: "ignore", timeout: 10_000 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(HAPROXY_MISSING);
    throw error;
  }
}

export class Haproxy {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly configText: string,
    readonly maxconn: number,
    readonly exited: Promise<void>,
  ) {}

  static async start(options: { dir: string; port: number; backends: readonly HaproxyBackend[]; agents: number }): Promise<Haproxy> {
    requireHaproxy();
    const { maxconn } = haproxyFit(options.agents);
    const configText = haproxyConfig({ bind: { host: "127.0.0.1", port: options.port }, backends: options.backends, maxconn });
    const configFile = path.join(options.dir, "haproxy.cfg");
    const logFile = path.join(options.dir, "haproxy.log");
    await writeFile(configFile, configText);
    const fd = openSync(logFile, "a");
    // -db: foreground, no daemon, so that it is this process's child and ends with it.
    const child = spawn("haproxy", ["-f", configFile, "-db"], { stdio: ["ignore", fd, fd] });
    closeSync(fd);
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((resolve) =>
      child.once("exit", (code) => {
        exitCode = code;
        resolve();
      }),
    );
    const url = `http://127.0.0.1:${options.port}`;
    const haproxy = new Haproxy(child, url, configText, maxconn, exited);
    const deadline = monoMs() + 30_000;
    for (;;) {
      if (exitCode !== undefined) throw new Error(`haproxy exited (${exitCode}) at start: ${readFileSync(logFile, "utf8").slice(-2_000)}`);
      const log = readFileSync(logFile, "utf8");
      if (/Cannot raise FD limit/.test(log)) {
        haproxy.kill();
        throw new Error(`haproxy: ${/.*Cannot raise FD limit.*/.exec(log)?.[0] ?? ""}`);
      }
      const status = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      if (monoMs() > deadline) {
        haproxy.kill();
        throw new Error(`haproxy: /healthz did not answer 200 through it within 30 s (last ${status}); log ${logFile}`);
      }
      await sleep(200);
    }
    return haproxy;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Its open-file limit as it runs (what it could raise it to). */
  fileLimit(): number {
    return openFileLimits(this.pid).soft;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    await withTimeout(this.exited, 5_000, "haproxy to stop").catch(() => this.kill());
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}
