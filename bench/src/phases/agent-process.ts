// The real agent's own cost: idle RSS of `run --replay` (connected, reporting) under the service's node flags, CPU per re-check cycle in the service, and a one-shot `check --json`; baselines are bare node processes.
// The agent measured is the one the installers ship: the single-file bundle (installers/lib.mjs agentBundle) with usb's prebuild beside it.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { copyFile, mkdir, readdir, readFile, utimes } from "node:fs/promises";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { sleep, waitFor } from "../clock.js";
import type { BenchConfig } from "../options.js";
import { AGENT_SERVICE_FLAGS, BENCH_DIST, BUNDLES_DIR, REPO_ROOT } from "../paths.js";
import { anonBytes, cpuTimes, rssBytes } from "../proc/usage.js";
import { median } from "../stats.js";
import { settledRss } from "./connect.js";
import { progress } from "./context.js";

export interface ServiceFigures {
  bundle: string;
  idleRssBytes: number;
  idleAnonBytes: number;
  cycleCpuMs: number;
  cycleWallMs: number;
  /** Baseline: reading and parsing this bundle once in a bare node process. */
  bareParseCpuMs: number;
}

export interface OneShotFigures {
  cpuMs: number;
  childrenCpuMs: number;
  maxRssBytes: number;
  wallMs: number;
  exitCode: number;
}

/** The installers' build of the agent, as the packages lay it out: agent.cjs with prebuilds/<platform>-<arch>/ beside it. */
export async function shippedAgent(tmp: string): Promise<string> {
  const lib = (await import(pathToFileURL(path.join(REPO_ROOT, "installers/lib.mjs")).href)) as {
    agentBundle(): Promise<string>;
    usbPrebuild(target: string): { from: string; rel: string }[];
  };
  const dir = path.join(tmp, "shipped-agent");
  const bin = path.join(dir, "agent.cjs");
  await mkdir(dir, { recursive: true });
  await copyFile(await lib.agentBundle(), bin);
  for (const file of lib.usbPrebuild(`${process.platform}-${process.arch}`)) {
    await mkdir(path.dirname(path.join(dir, file.rel)), { recursive: true });
    await copyFile(file.from, path.join(dir, file.rel));
  }
  return bin;
}

export interface AgentResult {
  /** The node flags the service runs under (agent/service-flags.json), applied to the idle baseline too. */
  serviceFlags: string[];
  /** The environment they run in (agent/service-flags.json's env, and linuxEnv on Linux). */
  serviceEnv: Record<string, string>;
  service: ServiceFigures[];
  check: OneShotFigures;
  bare: { oneShot: OneShotFigures; idleRssBytes: number; idleAnonBytes: number };
}

/** How the service definitions and the `compliance-agent` command start node: flags and environment, one file the installers' tests read too. */
export interface ServiceFlags {
  node: string[];
  /** `env`, and on Linux `linuxEnv` (glibc's allocator settings) over it. */
  env: Record<string, string>;
}

export function readServiceFlags(file = AGENT_SERVICE_FLAGS): ServiceFlags {
  const doc = JSON.parse(readFileSync(file, "utf8")) as { node?: unknown; env?: unknown; linuxEnv?: unknown };
  const node = Array.isArray(doc.node) && doc.node.every((f) => typeof f === "string") ? doc.node : undefined;
  const env = stringRecord(doc.env);
  const linuxEnv = stringRecord(doc.linuxEnv ?? {});
  if (node === undefined || env === undefined || linuxEnv === undefined) {
    throw new Error(`${file}: expected {"node": [flags…], "env": {NAME: value}, "linuxEnv": {NAME: value}}`);
  }
  return { node, env: process.platform === "linux" ? { ...env, ...linuxEnv } : env };
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string")
    ? (value as Record<string, string>)
    : undefined;
}

/** How long the replaying agent is left alone after its first report was acked before its RSS is read. */
const AGENT_IDLE_MS = 10_000;

const PROBE = pathToFileURL(path.join(BENCH_DIST, "proc/usage-probe.js")).href;

/** Runs `node <flags> --import probe …args` to its end, in the flags' environment, and answers what the probe recorded. */
async function oneShot(args: readonly string[], tmp: string, name: string, flags: ServiceFlags): Promise<OneShotFigures> {
  const usageFile = path.join(tmp, `usage-${name}-${Date.now()}.json`);
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [...flags.node, "--import", PROBE, ...args], {
      cwd: tmp,
      env: { ...process.env, ...flags.env, BENCH_USAGE_FILE: usageFile },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === null || code > 1) reject(new Error(`${name} exited ${code}: ${stderr.slice(0, 500)}`));
      else resolve(code);
    });
  });
  const record = JSON.parse(await readFile(usageFile, "utf8")) as Omit<OneShotFigures, "exitCode">;
  return { ...record, exitCode };
}

function medianOf(runs: readonly OneShotFigures[]): OneShotFigures {
  const pick = (k: keyof OneShotFigures): number => median(runs.map((r) => r[k]));
  return {
    cpuMs: pick("cpuMs"),
    childrenCpuMs: pick("childrenCpuMs"),
    maxRssBytes: pick("maxRssBytes"),
    wallMs: pick("wallMs"),
    exitCode: runs[0]?.exitCode ?? 0,
  };
}

/** One `run --replay` service: enrolled, connected, its first report acked; then idle RSS and N re-check cycles. */
async function measureService(
  config: BenchConfig,
  agentBin: string,
  tmp: string,
  serverUrl: string,
  secret: string,
  bundleFile: string,
  flags: ServiceFlags,
): Promise<ServiceFigures> {
  const name = path.basename(bundleFile, ".json");
  const stateDir = path.join(tmp, `agent-${name}`);
  const bundle = path.join(tmp, `${name}.json`);
  await copyFile(bundleFile, bundle);
  await promisify(execFile)(
    process.execPath,
    [agentBin, "enroll", "--server", serverUrl, "--secret", secret, "--state-dir", stateDir, "--replay", bundle],
    { cwd: tmp },
  );
  const child: ChildProcess = spawn(process.execPath, [...flags.node, agentBin, "run", "--state-dir", stateDir, "--replay", bundle], {
    cwd: tmp,
    env: { ...process.env, ...flags.env, COMPLIANCE_LOG_LEVEL: "debug" },
    stdio: ["ignore", "pipe", "ignore"],
  });
  const pid = child.pid ?? -1;
  let cycles = 0;
  const cycleMs: number[] = [];
  let buffered = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.includes('"checks ran"')) continue;
      cycles++;
      const ms = (JSON.parse(line) as { ms?: number }).ms;
      if (ms !== undefined) cycleMs.push(ms);
    }
  });
  try {
    await waitFor(
      async () => {
        const status = JSON.parse(await readFile(path.join(stateDir, "status.json"), "utf8").catch(() => "{}")) as {
          connection?: string;
          lastReport?: { ackedAt?: string | null } | null;
        };
        return status.connection === "connected" && typeof status.lastReport?.ackedAt === "string";
      },
      30_000,
      `the agent replaying ${name} to connect and have its first report acked`,
      100,
    );
    // Idle means what the service holds between check cycles (live: 60 s apart): V8 gives back the pages of
    // the first cycle's garbage a few seconds after allocation stops (its memory reducer), not at once.
    await sleep(Math.max(AGENT_IDLE_MS, config.settleMs));
    const idleRssBytes = await settledRss(() => rssBytes(pid), config.rssSamples);
    const idleAnonBytes = await anonBytes(pid);
    const before = await cpuTimes(pid);
    const first = cycles;
    cycleMs.length = 0;
    for (let i = 1; i <= config.agentCycles; i++) {
      const at = new Date(Date.now() + i * 1000);
      await utimes(bundle, at, at);
      await waitFor(() => cycles >= first + i, 15_000, `re-check ${i} of the agent replaying ${name}`, 10);
    }
    const after = await cpuTimes(pid);
    return {
      bundle: name,
      idleRssBytes,
      idleAnonBytes,
      cycleCpuMs: (after.selfMs - before.selfMs) / config.agentCycles,
      cycleWallMs: median(cycleMs),
      bareParseCpuMs: bundleParseCpuMs(bundleFile, 20),
    };
  } finally {
    child.kill("SIGTERM");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve();
      }, 10_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** A bare node process idling under the same flags: its RSS is the floor of any Node service. */
async function bareIdle(config: BenchConfig, tmp: string, flags: ServiceFlags): Promise<{ idleRssBytes: number; idleAnonBytes: number }> {
  const child = spawn(process.execPath, [...flags.node, "-e", "setInterval(() => {}, 1 << 30)"], {
    cwd: tmp,
    env: { ...process.env, ...flags.env },
    stdio: "ignore",
  });
  try {
    await sleep(1_500);
    const idleRssBytes = await settledRss(() => rssBytes(child.pid ?? -1), config.rssSamples);
    return { idleRssBytes, idleAnonBytes: await anonBytes(child.pid ?? -1) };
  } finally {
    child.kill("SIGKILL");
  }
}

/** CPU of reading and parsing the bundle once, in this (bare node) process: the least a replay re-check must do. */
function bundleParseCpuMs(bundleFile: string, runs: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) JSON.parse(readFileSync(bundleFile, "utf8"));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / runs;
}

export async function agentProcess(config: BenchConfig, tmp: string, serverUrl: string, secret: string): Promise<AgentResult> {
  const bundles = (await readdir(BUNDLES_DIR))
    .filter((f) => /^demo-.*\.json$/.test(f))
    .sort()
    .slice(0, config.agentBundles);
  if (bundles.length === 0) throw new Error(`no demo-*.json bundle in ${BUNDLES_DIR}`);
  const flags = readServiceFlags();
  progress("agent: building the shipped bundle (installers/lib.mjs)");
  const agentBin = await shippedAgent(tmp);
  const service: ServiceFigures[] = [];
  for (const b of bundles) {
    progress(`agent: run --replay ${b} under ${flags.node.join(" ")} (idle RSS, ${config.agentCycles} re-check cycles)`);
    service.push(await measureService(config, agentBin, tmp, serverUrl, secret, path.join(BUNDLES_DIR, b), flags));
  }
  // The `compliance-agent` command of every package starts node as the service does (installers/test/service-flags.test.ts).
  progress(`agent: check --json on this machine (${config.checkRuns}×) as the compliance-agent command runs it, and bare node baselines`);
  const checks: OneShotFigures[] = [];
  for (let i = 0; i < config.checkRuns; i++) checks.push(await oneShot([agentBin, "check", "--json"], tmp, "check", flags));
  const bare: OneShotFigures[] = [];
  for (let i = 0; i < config.checkRuns; i++) bare.push(await oneShot(["-e", ""], tmp, "bare-node", flags));
  return {
    serviceFlags: flags.node,
    serviceEnv: flags.env,
    service,
    check: medianOf(checks),
    bare: { oneShot: medianOf(bare), ...(await bareIdle(config, tmp, flags)) },
  };
}
