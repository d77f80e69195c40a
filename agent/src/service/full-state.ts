// When the agent sends its full state, and what it holds: decisions over state, no I/O.
import type { AgentCheckId, ReportFrame } from "@wegroup/shared";

/**
 * After a welcome: the server judges reports by the policy it runs, so a full state judged by any other
 * version would be thrown away (or, worse, open what the server's policy allows). When the versions differ
 * the server's policy frame follows the welcome at once: the full state waits for it and is judged again.
 */
export function afterWelcome(agentPolicyVersion: number, welcomePolicyVersion: number): "send-full-state" | "await-policy" {
  return agentPolicyVersion === welcomePolicyVersion ? "send-full-state" : "await-policy";
}

/**
 * The checks a full state must carry: every check with a latest result, except those a queued report judged by
 * the current policy already carries (it is delivered anyway). A queued report judged by an older policy covers
 * nothing: the server does not apply it.
 */
export function checksToResend(
  latest: readonly AgentCheckId[],
  queued: readonly Pick<ReportFrame, "policyVersion" | "results">[],
  policyVersion: number,
): AgentCheckId[] {
  const covered = new Set(queued.filter((r) => r.policyVersion === policyVersion).flatMap((r) => r.results.map((x) => x.check)));
  return latest.filter((check) => !covered.has(check));
}
