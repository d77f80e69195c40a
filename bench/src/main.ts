// `npm run bench`: the composition root. Runs every phase against the real server, then the bare baselines, prints one table and writes results.json.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { CheckResult } from "@wegroup/shared";
import { ApiClient } from "./api.js";
import { bareInsertBaselines } from "./baseline/sqlite-inserts.js";
import { ClientPool } from "./client/pool.js";
import { type Figure, renderTable } from "./figures.js";
import { type BenchConfig, parseOptions, PHASES, type Phase, UsageRequest } from "./options.js";
import { REPO_ROOT } from "./paths.js";
import { agentProcess } from "./phases/agent-process.js";
import { bareBaselines } from "./phases/bare.js";
import { enrollAndConnect } from "./phases/connect.js";
import { type ProductContext, progress } from "./phases/context.js";
import { evaluation } from "./phases/evaluation.js";
import { feedLatency } from "./phases/feed.js";
import { closedLoopIngest } from "./phases/ingest.js";
import { payloadIngest } from "./phases/payload.js";
import { cockpitReads } from "./phases/reads.js";
import { previewRounds } from "./phases/preview.js";
import { pushRounds } from "./phases/push.js";
import { reconnectStorm } from "./phases/storm.js";
import { haproxyFit, requireHaproxy } from "./proc/haproxy.js";
import { readDataDirSecret, ServerUnderTest } from "./proc/server-process.js";
import { loadProfile, renderSummary, summarise, type WindowSummary } from "./profile.js";
import { runCluster } from "./cluster-run.js";
import { buildFigures, type FleetMeasurements, type Measurements } from "./report.js";

/** Whatever this run started, to be stopped however it ends. */
const disposers: (() => void)[] = [];
const track = (dispose: () => void): void => {
  disposers.push(dispose);
};
function disposeAll(): void {
  for (const dispose of disposers.splice(0).reverse()) {
    try {
      dispose();
    } catch {
      // already gone
    }
  }
}

async function run(
  config: BenchConfig,
  tmp: string,
): Promise<{ figures: Figure[]; measurements: Measurements; notes: string[]; profile: WindowSummary[] }> {
  const runs = (phase: Phase): boolean => config.only.includes(phase);
  const measurements: Measurements = {};
  const notes: string[] = [];
  const profile: WindowSummary[] = [];
  // In-process, so first: after the fleet phases this process holds their clients' data, and its GC showed in the
  // evaluation figures (34.6 ms for a new policy in a full run against 9-14 ms with --only evaluation).
  if (runs("evaluation")) measurements.evaluation = await evaluation(config);
  if ((runs("fleet") || runs("agent")) && config.instances > 1) {
    await runCluster(config, tmp, track, { measurements, notes });
  } else if (runs("fleet") || runs("agent")) {
    const dataDir = path.join(tmp, "data");
    const profileDir = config.profile && runs("fleet") ? path.join(tmp, "cpu-profile") : undefined;
    const logFile = path.join(tmp, "server.log");
    progress(`starting compliance-server (${config.db === undefined ? "SQLite" : "PostgreSQL"}; log ${logFile})`);
    const server = await ServerUnderTest.start({
      dataDir,
      listen: "127.0.0.1:0",
      db: config.db,
      logLevel: config.serverLogLevel,
      cpuProfileDir: profileDir,
      logFile,
    });
    const ctxRef: { ctx?: ProductContext } = {};
    track(() => (ctxRef.ctx?.server ?? server).kill());
    const adminToken = await readDataDirSecret(dataDir, "admin-token");
    const secret = await readDataDirSecret(dataDir, "enroll-secret");
    let current = server;
    let fleet:
      | {
          ctx: ProductContext;
          runId: string;
          measured: Omit<FleetMeasurements, "bare" | "inserts" | "payloadInserts">;
          payloadResults: CheckResult[];
        }
      | undefined;
    if (runs("fleet")) {
      const runId = randomBytes(4).toString("hex");
      const wsUrl = `${server.url.replace(/^http/, "ws")}/api/v1/agent`;
      const pool = await ClientPool.start({
        mode: "product",
        processes: config.clientProcesses,
        agents: config.agents,
        url: wsUrl,
        baseUrl: server.url,
        secret,
        runId,
      });
      track(() => pool.kill());
      const ctx: ProductContext = {
        config,
        tmp,
        server,
        api: new ApiClient(server.url, adminToken),
        adminToken,
        pool,
        notes,
        windows: [],
        restartWindows: [],
      };
      ctxRef.ctx = ctx;

      const connect = await enrollAndConnect(ctx);
      const push = await pushRounds(ctx);
      await previewRounds(ctx);
      const ingest = await closedLoopIngest(ctx);
      const latency = await feedLatency(ctx);
      const storm = await reconnectStorm(ctx);
      // Last: it leaves every device with tens of open violations, which the steady reports of the phases above would
      // resolve en masse (measuring that instead of what they are for).
      const realistic = await payloadIngest(ctx);
      // With every agent connected and the violations of the realistic payload stored.
      const reads = await cockpitReads(ctx);
      await pool.stop();
      current = ctx.server;
      fleet = {
        ctx,
        runId,
        measured: { connect, push, ingest, payload: realistic.result, latency, storm, reads },
        payloadResults: realistic.payload.results,
      };
    }
    if (runs("agent")) measurements.agent = await agentProcess(config, tmp, current.url, secret);
    if (profileDir !== undefined) await current.writeProfile();
    if ((await current.stop()).killed) notes.push("the server had not stopped 15 s after SIGTERM at the end of the run and was killed");
    if (fleet !== undefined) {
      const { ctx, runId, measured, payloadResults } = fleet;
      // The bare baselines run once the server is gone, on the same machine.
      const bare = await bareBaselines(config, tmp, measured.push.frame, runId, track);
      measurements.fleet = { ...measured, bare, ...bareInsertBaselines(config, tmp, payloadResults) };
      if (profileDir !== undefined) {
        for (const [dir, windows] of [
          [profileDir, ctx.windows],
          [`${profileDir}-restarted`, ctx.restartWindows],
        ] as const) {
          const loaded = await loadProfile(dir);
          if (loaded === undefined) notes.push(`--profile: no CPU profile was written in ${dir}`);
          else for (const w of windows) profile.push(summarise(loaded, w));
        }
      }
    }
  }
  return { figures: buildFigures(measurements, !config.quick), measurements, notes, profile };
}

/** Which code was measured: the commit and the files changed on top of it (others may be editing the tree). */
function sourceState(): { commit: string; modified: string[] } {
  const git = (args: string[]): string => {
    try {
      return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "";
    }
  };
  const modified = git(["status", "--porcelain", "--", "shared/src", "agent/src", "server/src"])
    .split("\n")
    .filter((l) => l !== "");
  return { commit: git(["rev-parse", "HEAD"]), modified: modified.map((l) => l.slice(3)) };
}

async function main(): Promise<number> {
  let config: BenchConfig;
  try {
    config = parseOptions(process.argv.slice(2), path.join(REPO_ROOT, "bench/results.json"));
  } catch (error) {
    process.stderr.write(`${error instanceof UsageRequest ? "" : "bench: "}${(error as Error).message}\n`);
    return error instanceof UsageRequest ? 0 : 2;
  }
  if (config.instances > 1) {
    // What this machine lacks for several instances is said before anything starts.
    try {
      requireHaproxy();
      haproxyFit(config.agents);
    } catch (error) {
      process.stderr.write(`bench: ${(error as Error).message}\n`);
      return 2;
    }
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), "compliance-bench-"));
  const watchdog = setTimeout(() => {
    process.stderr.write(
      `bench: still running after ${config.timeLimitMs / 60_000} min; stopping everything (temporary files in ${tmp})\n`,
    );
    disposeAll();
    process.exit(1);
  }, config.timeLimitMs);
  watchdog.unref();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      disposeAll();
      process.exit(130);
    });
  }
  const startedAt = new Date();
  const source = sourceState();
  try {
    const { figures, measurements, notes, profile } = await run(config, tmp);
    const table = renderTable(figures);
    const lines = [
      "",
      `compliance benchmark${config.quick ? " (--quick: small counts, targets not judged)" : ""}${config.only.length < PHASES.length ? ` (--only ${config.only.join(",")})` : ""}: ${config.agents} agents in ${config.clientProcesses} client process(es), ${config.db === undefined ? "SQLite" : "PostgreSQL"}${config.instances > 1 ? ` (${config.instances} instances behind HAProxy)` : ""}, ${os.cpus().length} CPUs, Node ${process.version}`,
      "",
      table,
      "",
      ...figures.filter((f) => f.note !== undefined).map((f) => `- ${f.label.trim()}: ${f.note}`),
      ...notes.map((n) => `- note: ${n}`),
      ...profile.flatMap((p) => ["", renderSummary(p)]),
      "",
    ];
    process.stdout.write(lines.join("\n"));
    const results = {
      format: "compliance-bench/1",
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      quick: config.quick,
      source,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "",
        memoryBytes: os.totalmem(),
        node: process.version,
        loadAverage: os.loadavg(),
      },
      config,
      figures,
      notes,
      profile,
      measurements: {
        ...measurements,
        ...(measurements.fleet !== undefined
          ? {
              fleet: {
                ...measurements.fleet,
                push: { ...measurements.fleet.push, frame: undefined, frameBytes: Buffer.byteLength(measurements.fleet.push.frame) },
              },
            }
          : {}),
      },
    };
    await writeFile(config.out, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`results written to ${config.out}\n`);
    const lost = figures.find((f) => f.id === "storm-reports-lost");
    // Speed is reported, not asserted; losing an acknowledged report is a failure in any run.
    return lost?.target?.met === false ? 1 : 0;
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    clearTimeout(watchdog);
    disposeAll();
    if (config.keep) process.stderr.write(`bench: temporary files kept in ${tmp}\n`);
    else await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}

process.exitCode = await main();
