// Enrollment of every simulated agent, then all of them connecting to one instance: connect-all time and server memory per connection.
import type { ConnectAnswer, EnrollAnswer } from "../client/commands.js";
import { monoMs, sleep } from "../clock.js";
import { listenOverflows, overflowsBetween } from "../proc/netstat.js";
import { max, median, mergeCounts } from "../stats.js";
import { type ProductContext, progress } from "./context.js";

export interface ConnectResult {
  agents: number;
  enrollMs: number;
  connected: number;
  /** Start → last welcome. */
  connectMs: number;
  /** Start → last policy-applied for the policy pushed on hello. */
  policyOnConnectMs: number;
  /** Start → last ack of the full-state reports sent on connect. */
  fullStateAckedMs: number;
  attempts: number;
  failures: Record<string, number>;
  /** Connections the kernel dropped from a full listen queue meanwhile (machine-wide; null if unknown). */
  listenOverflows: number | null;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  perConnectionBytes: number;
}

/** RSS sampled a few times (it moves with GC): the median. */
export async function settledRss(read: () => Promise<number>, samples: number, everyMs = 300): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) {
    values.push(await read());
    if (i < samples - 1) await sleep(everyMs);
  }
  return median(values);
}

export async function enrollAndConnect(ctx: ProductContext): Promise<ConnectResult> {
  const { pool, config, server, cluster } = ctx;
  // Several instances: the memory of all of them, added up.
  const rss = (): Promise<number> => (cluster !== undefined ? cluster.rss() : server.rss());
  progress(`enrolling ${config.agents} simulated agents (POST /api/v1/enroll, ${pool.clients.length} client processes)`);
  const enrollStart = monoMs();
  const enrolled = await pool.all<EnrollAnswer>("enroll", { concurrency: 16 }, 10 * 60_000);
  const enrollMs = max(enrolled.map((e) => e.lastAt)) - enrollStart;
  const total = enrolled.reduce((n, e) => n + e.enrolled, 0);
  progress(`enrolled ${total} in ${(enrollMs / 1000).toFixed(1)} s; connecting`);

  await sleep(config.settleMs);
  const rssBeforeBytes = await settledRss(rss, config.rssSamples);
  const overflowsBefore = await listenOverflows();
  const start = monoMs();
  const answers = await pool.all<ConnectAnswer>("connect", { concurrency: config.connectConcurrency, timeoutMs: 300_000 }, 310_000);
  ctx.windows.push({ name: `connect-all (${config.agents} agents: hello, policy, full-state report)`, from: start, to: monoMs() });
  const overflows = overflowsBetween(overflowsBefore, await listenOverflows());
  const connected = answers.reduce((n, a) => n + a.connected, 0);
  const result = {
    agents: total,
    enrollMs,
    connected,
    connectMs: max(answers.map((a) => a.lastWelcomeAt)) - start,
    policyOnConnectMs: max(answers.map((a) => a.lastPolicyAt)) - start,
    fullStateAckedMs: max(answers.map((a) => a.lastAckAt)) - start,
    attempts: answers.reduce((n, a) => n + a.attempts, 0),
    failures: mergeCounts(answers.map((a) => a.failures)),
    listenOverflows: overflows,
  };
  progress(`${connected} connected in ${(result.connectMs / 1000).toFixed(2)} s (${result.attempts} attempts); measuring server memory`);
  await sleep(config.settleMs);
  const rssAfterBytes = await settledRss(rss, config.rssSamples);
  return { ...result, rssBeforeBytes, rssAfterBytes, perConnectionBytes: (rssAfterBytes - rssBeforeBytes) / Math.max(1, connected) };
}
