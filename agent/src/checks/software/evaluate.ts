// placeholder: replaced by the software evaluator
import { unknown, type CheckResult, type SoftwarePolicy } from "@wegroup/shared";
import type { SoftwareFacts } from "./facts.js";
export function evaluateSoftware(_facts: SoftwareFacts, _policy: SoftwarePolicy): CheckResult {
  return unknown("software", "evaluator not built yet");
}
