// `--instances N`: the fleet group against N compliance-server processes on one PostgreSQL schema behind HAProxy,
// then the bare baselines behind the same HAProxy configuration. The single-instance path (main.ts) is unchanged.
import { randomBytes } from "node:crypto";
import { ApiClient } from "./api.js";
import { bareInsertBaselines } from "./baseline/sqlite-inserts.js";
import { ClientPool } from "./client/pool.js";
import type { BenchConfig } from "./options.js";
import { agentProcess } from "./phases/agent-process.js";
import { bareBaselines } from "./phases/bare.js";
import { killOneInstanceStorm } from "./phases/cluster-storm.js";
import { enrollAndConnect } from "./phases/connect.js";
import { type ProductContext, progress } from "./phases/context.js";
import { feedLatency } from "./phases/feed.js";
import { closedLoopIngest } from "./phases/ingest.js";
import { payloadIngest } from "./phases/payload.js";
import { cockpitReads } from "./phases/reads.js";
import { previewRounds } from "./phases/preview.js";
import { pushRounds } from "./phases/push.js";
import { ClusterUnderTest } from "./proc/cluster.js";
import { haproxyFit, requireHaproxy } from "./proc/haproxy.js";
import { createRunSchema } from "./proc/pg-schema.js";
import { readDataDirSecret } from "./proc/server-process.js";
import type { Measurements } from "./report.js";

export interface ClusterInfo {
  instances: number;
  /** HAProxy's maxconn and the open-file limit it runs with. */
  haproxyMaxconn: number;
  haproxyFileLimit: number;
  /** Whether HAProxy could raise its own open-file limit (CAP_SYS_RESOURCE). */
  haproxyRaisesLimit: boolean;
  /** The generated configuration, as it ran. */
  haproxyConfig: string;
  /** The run's PostgreSQL schema (dropped at the end). */
  schema: string;
}

export async function runCluster(
  config: BenchConfig,
  tmp: string,
  track: (dispose: () => void) => void,
  out: { measurements: Measurements; notes: string[] },
): Promise<void> {
  const runs = (phase: string): boolean => (config.only as readonly string[]).includes(phase);
  // Before anything starts: can one HAProxy carry the fleet on this machine?
  requireHaproxy();
  const fit = haproxyFit(config.agents);
  if (config.profile) out.notes.push("--profile is not supported with --instances: no CPU profile was taken");
  const schema = await createRunSchema(config.db ?? "");
  progress(`PostgreSQL schema ${schema.schema}; starting ${config.instances} compliance-server instances and HAProxy`);
  let cluster: ClusterUnderTest | undefined;
  try {
    cluster = await ClusterUnderTest.start({
      tmp,
      instances: config.instances,
      db: schema.url,
      logLevel: config.serverLogLevel,
      agents: config.agents,
      track,
    });
    const first = cluster.instances[0];
    if (first === undefined) throw new Error("no instance started");
    const info: ClusterInfo = {
      instances: config.instances,
      haproxyMaxconn: cluster.haproxy.maxconn,
      haproxyFileLimit: cluster.haproxy.fileLimit(),
      haproxyRaisesLimit: fit.raises,
      haproxyConfig: cluster.haproxy.configText,
      schema: schema.schema,
    };
    progress(
      `HAProxy on ${cluster.url} (maxconn ${info.haproxyMaxconn}, open-file limit ${info.haproxyFileLimit}) in front of ${cluster.instances.map((s) => s.port).join(", ")}`,
    );
    const dataDir = first.options.dataDir;
    const adminToken = await readDataDirSecret(dataDir, "admin-token");
    const secret = await readDataDirSecret(dataDir, "enroll-secret");
    if (runs("fleet")) {
      const runId = randomBytes(4).toString("hex");
      const pool = await ClientPool.start({
        mode: "product",
        processes: config.clientProcesses,
        agents: config.agents,
        url: `${cluster.url.replace(/^http/, "ws")}/api/v1/agent`,
        baseUrl: cluster.url,
        secret,
        runId,
      });
      track(() => pool.kill());
      const ctx: ProductContext = {
        config,
        tmp,
        server: first,
        cluster,
        api: new ApiClient(cluster.url, adminToken),
        adminToken,
        pool,
        notes: out.notes,
        windows: [],
        restartWindows: [],
      };
      const connect = await enrollAndConnect(ctx);
      const push = await pushRounds(ctx);
      await previewRounds(ctx);
      const ingest = await closedLoopIngest(ctx);
      const realistic = await payloadIngest(ctx);
      const latency = await feedLatency(ctx);
      const storm = await killOneInstanceStorm(ctx, cluster);
      const reads = await cockpitReads(ctx);
      await pool.stop();
      if (runs("agent")) out.measurements.agent = await agentProcess(config, tmp, cluster.url, secret);
      if ((await cluster.stop()).killed)
        out.notes.push("an instance had not stopped 15 s after SIGTERM at the end of the run and was killed");
      const bare = await bareBaselines(config, tmp, push.frame, runId, track);
      out.measurements.fleet = {
        connect,
        push,
        ingest,
        payload: realistic.result,
        latency,
        storm,
        reads,
        bare,
        ...bareInsertBaselines(config, tmp, realistic.payload.results),
        cluster: info,
      };
    } else if (runs("agent")) {
      out.measurements.agent = await agentProcess(config, tmp, cluster.url, secret);
    }
  } finally {
    await cluster?.stop().catch(() => undefined);
    await schema.drop().catch((error: unknown) => out.notes.push(`the schema ${schema.schema} could not be dropped: ${String(error)}`));
  }
}
