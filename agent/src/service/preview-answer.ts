// Answers a server's `preview`: runs the checks under the candidate policy (no enforcement), compares with the results
// the agent holds, and sends the difference. The candidate is never applied, cached or written anywhere.
import type { AgentCheckId, CheckResult, PreviewFrame, PreviewResultFrame } from "@wegroup/shared";
import { type AnyCheck, runChecks } from "../checks/engine.js";
import type { CommandRunner } from "../runner/runner.js";
import { previewOf } from "./preview.js";

export interface PreviewDeps {
  checks: readonly AnyCheck[];
  runner: CommandRunner;
  /** The latest result per check under the current policy. */
  current(): ReadonlyMap<AgentCheckId, { result: CheckResult }>;
  send(frame: PreviewResultFrame): void;
}

export async function answerPreview(frame: PreviewFrame, deps: PreviewDeps): Promise<void> {
  const candidate = await runChecks(deps.checks, deps.runner, frame.policy);
  const current = [...deps.current().values()].map((l) => l.result);
  deps.send(previewOf(frame.id, current, candidate));
}
