// Several instances behind HAProxy: one instance is killed (SIGKILL) while storm reports flow; its agents reconnect
// through HAProxy to the others. Time until every one of them is back, and the storm's accounting (nothing acked
// lost or doubled).
import type { ReconnectStatus } from "../client/commands.js";
import type { ClientPool } from "../client/pool.js";
import { monoMs, sleep } from "../clock.js";
import type { ClusterUnderTest } from "../proc/cluster.js";
import { max, mergeCounts, percentile } from "../stats.js";
import { type ProductContext, progress } from "./context.js";
import { accountStorm, type StormResult } from "./storm.js";

const STORM_WAIT_MS = 180_000;

/** The `compliance_agents_connected` gauge of one instance (read from it directly, not through HAProxy). */
export async function agentsConnected(baseUrl: string, token: string): Promise<number> {
  const response = await fetch(new URL("/metrics", baseUrl), {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  const value = /^compliance_agents_connected(?:\{[^}]*\})?\s+(\S+)/m.exec(text)?.[1];
  if (response.status !== 200 || value === undefined)
    throw new Error(`GET ${baseUrl}/metrics: HTTP ${response.status}, no compliance_agents_connected`);
  return Number(value);
}

export interface KilledWait {
  /** Every agent the kill disconnected is back (and every agent is connected). */
  complete: boolean;
  dropped: number;
  back: number;
  ready: number;
  agents: number;
  lastWelcomeAt: number;
  delays: number[];
  attempts: number;
  failures: Record<string, number>;
}

/**
 * Polls the client processes until at least `expected` agents have dropped since `after` and every agent is
 * connected again (or the wait ends).
 */
export async function waitDroppedBack(pool: ClientPool, after: number, expected: number, timeoutMs: number): Promise<KilledWait> {
  const deadline = monoMs() + timeoutMs;
  for (;;) {
    const status = await pool.all<ReconnectStatus>("reconnectStatus", { after }, 30_000);
    const sum = (f: (s: ReconnectStatus) => number): number => status.reduce((n, s) => n + f(s), 0);
    const dropped = sum((s) => s.dropped);
    const ready = sum((s) => s.ready);
    const agents = sum((s) => s.agents);
    const complete = dropped >= expected && ready === agents && sum((s) => s.back) === dropped;
    if (complete || monoMs() > deadline)
      return {
        complete,
        dropped,
        back: sum((s) => s.back),
        ready,
        agents,
        lastWelcomeAt: max(status.map((s) => s.lastWelcomeAt)),
        delays: status.flatMap((s) => s.delays),
        attempts: sum((s) => s.attempts),
        failures: mergeCounts(status.map((s) => s.failures)),
      };
    await sleep(100);
  }
}

export async function killOneInstanceStorm(ctx: ProductContext, cluster: ClusterUnderTest): Promise<StormResult> {
  const { config, pool } = ctx;
  const victim = cluster.instances[cluster.instances.length - 1];
  if (victim === undefined) throw new Error("no instance to kill");
  progress(`storm: ${config.stormRate} reports/s flowing; killing instance ${cluster.instances.length} of ${cluster.instances.length}`);
  await pool.all("stormStart", { rate: config.stormRate / pool.clients.length }, 10_000);
  await sleep(config.quick ? 1_000 : 1_500);
  const onVictim = await agentsConnected(victim.url, ctx.adminToken);
  const killedAt = monoMs();
  victim.kill();
  await victim.exited;
  const back = await waitDroppedBack(pool, killedAt, onVictim, STORM_WAIT_MS);
  if (!back.complete)
    ctx.notes.push(
      `storm: ${back.back} of the ${back.dropped} agents the kill disconnected (the instance had ${onVictim}) were back ${STORM_WAIT_MS / 1000} s later; ${back.ready} of ${back.agents} connected`,
    );
  const reconnectMs = back.lastWelcomeAt - killedAt;
  progress(`storm: ${back.dropped} agents dropped by the kill, all back after ${(reconnectMs / 1000).toFixed(2)} s`);
  await sleep(1_000);
  const accounted = await accountStorm(ctx, back.complete, undefined);
  return {
    reconnectMs,
    downMs: Number.NaN,
    stopMs: 0,
    attempts: back.attempts,
    reconnected: back.back,
    agents: back.dropped,
    delayP50Ms: percentile(back.delays, 50),
    delayP90Ms: percentile(back.delays, 90),
    failures: back.failures,
    listenOverflows: null,
    killedInstance: { agentsOnIt: onVictim, instances: cluster.instances.length },
    ...accounted,
  };
}
