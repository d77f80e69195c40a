// Policy push: PUT /api/v1/policy with every agent connected, timed until the last agent has sent policy-applied; the server's own record is checked through the rollout API.
import { DEFAULT_POLICY, type PolicyRollout } from "@wegroup/shared";
import { errorText } from "../api.js";
import type { PolicyAnswer } from "../client/commands.js";
import { monoMs, sleep } from "../clock.js";
import { max, median } from "../stats.js";
import { type ProductContext, progress } from "./context.js";

export interface PushResult {
  rounds: number;
  /** PUT sent → last policy-applied sent by an agent, per round. */
  roundsMs: number[];
  medianMs: number;
  /** PUT sent → first rollout poll (every 100 ms, started once the agents were done) showing no device pending. */
  recordedMs: number[];
  /** The pushed frame as an agent received it: the bare baseline broadcasts these very bytes. */
  frame: string;
}

/** A real-sized change: the default policy plus one more deny rule per round. */
function policyForRound(round: number): Record<string, unknown> {
  const { version: _version, ...document } = DEFAULT_POLICY;
  return {
    ...document,
    software: {
      ...document.software,
      deny: [...document.software.deny, { id: `bench-${round}`, name: `bench-probe-${round}`, reason: "benchmark push" }],
    },
  };
}

export async function pushRounds(ctx: ProductContext): Promise<PushResult> {
  const { api, pool, config } = ctx;
  const roundsMs: number[] = [];
  const recordedMs: number[] = [];
  let frame = "";
  const windowStart = monoMs();
  for (let round = 1; round <= config.pushRounds; round++) {
    const sentAt = monoMs();
    const answer = await api.request("PUT", "/api/v1/policy", policyForRound(round));
    if (answer.status !== 200) throw new Error(`PUT /api/v1/policy: ${errorText(answer)}`);
    const version = (answer.body as { version: number }).version;
    const applied = await pool.all<PolicyAnswer>("waitPolicy", { version, timeoutMs: 60_000 }, 65_000);
    const ms = max(applied.map((a) => a.lastAppliedAt)) - sentAt;
    roundsMs.push(ms);
    frame = applied[0]?.raw ?? frame;
    recordedMs.push(await rolloutDone(ctx, version, sentAt));
    progress(
      `push ${round}/${config.pushRounds} (version ${version}, ${Buffer.byteLength(frame)} bytes): all applied in ${ms.toFixed(0)} ms`,
    );
    await sleep(1_000);
  }
  ctx.windows.push({ name: `policy push (${config.pushRounds} rounds to ${config.agents} agents)`, from: windowStart, to: monoMs() });
  return { rounds: roundsMs.length, roundsMs, medianMs: median(roundsMs), recordedMs, frame };
}

async function rolloutDone(ctx: ProductContext, version: number, sentAt: number): Promise<number> {
  const deadline = monoMs() + 30_000;
  while (monoMs() < deadline) {
    const answer = await ctx.api.get("/api/v1/policy/rollout");
    if (answer.status !== 200) {
      ctx.notes.push(`GET /api/v1/policy/rollout: ${errorText(answer)}; the server's record of the push was not checked`);
      return Number.NaN;
    }
    const rollout = answer.body as PolicyRollout;
    if (rollout.latestVersion >= version && rollout.pending.length === 0) return monoMs() - sentAt;
    await sleep(100);
  }
  ctx.notes.push(`policy version ${version}: the rollout API still listed pending devices after 30 s`);
  return Number.NaN;
}
