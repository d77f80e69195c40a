// Policy preview: POST /api/v1/policy/preview with every agent connected, timed until the server answered with every
// agent's verdict (simulated agents answer at once, so this is the server's fan-out and collection).
import { DEFAULT_POLICY, PolicyPreview } from "@wegroup/shared";
import { errorText } from "../api.js";
import { monoMs, sleep } from "../clock.js";
import { median } from "../stats.js";
import { type ProductContext, progress } from "./context.js";

export interface PreviewResult {
  roundsMs: number[];
  medianMs: number;
  /** Agents that answered in each round. */
  answered: number[];
}

export async function previewRounds(ctx: ProductContext, rounds = 3): Promise<PreviewResult> {
  const { version: _version, ...document } = DEFAULT_POLICY;
  const candidate = {
    ...document,
    software: { ...document.software, deny: [...document.software.deny, { id: "bench-preview", name: "bench-preview-probe" }] },
  };
  const roundsMs: number[] = [];
  const answered: number[] = [];
  const windowStart = monoMs();
  for (let round = 1; round <= rounds; round++) {
    const sentAt = monoMs();
    const answer = await ctx.api.request("POST", "/api/v1/policy/preview", candidate);
    const ms = monoMs() - sentAt;
    if (answer.status !== 200) throw new Error(`POST /api/v1/policy/preview: ${errorText(answer)}`);
    const preview = PolicyPreview.parse(answer.body);
    roundsMs.push(ms);
    answered.push(preview.devices);
    progress(
      `preview ${round}/${rounds}: ${preview.devices} agents answered (${preview.notPreviewed} not previewed) in ${ms.toFixed(0)} ms`,
    );
    await sleep(500);
  }
  ctx.windows.push({ name: `policy preview (${rounds} rounds to ${ctx.config.agents} agents)`, from: windowStart, to: monoMs() });
  const result = { roundsMs, medianMs: median(roundsMs), answered };
  ctx.notes.push(
    `policy preview to ${ctx.config.agents} agents: median ${result.medianMs.toFixed(0)} ms until every answer was folded (answered per round: ${answered.join(", ")}; wait limit 3 s)`,
  );
  return result;
}
