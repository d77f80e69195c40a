// Runs the checks through one runner: a failure to collect makes that check unknown, never the agent crash.
import { type CheckResult, type EnforcementAction, type Policy, unknown } from "@wegroup/shared";
import { NotRecordedError, SourceUnavailableError, type CommandRunner } from "../runner/runner.js";
import { ParseError } from "../runner/parse-error.js";
import type { CheckDefinition } from "./types.js";

export interface CheckOutcome {
  result: CheckResult;
  enforcement: EnforcementAction[];
}

/** Decides whether to act on a subject now (the service throttles repeated attempts). */
export type ShouldAct = (check: CheckDefinition<unknown>["id"], subject: string) => boolean;

/** One check once: its verdict (a collector failure makes it unknown). */
export async function runCheck<F>(definition: CheckDefinition<F>, runner: CommandRunner, policy: Policy): Promise<CheckResult> {
  return (await runCheckOutcome(definition, runner, policy)).result;
}

/** One check once, and when `shouldAct` is given, the enforcement its policy asks for on a failure. */
export async function runCheckOutcome<F>(
  definition: CheckDefinition<F>,
  runner: CommandRunner,
  policy: Policy,
  shouldAct?: ShouldAct,
): Promise<CheckOutcome> {
  let facts: F;
  try {
    const collector = await definition.collectors[runner.platform]();
    facts = await collector.collect(runner);
  } catch (error) {
    return { result: unknown(definition.id, reasonOf(error)), enforcement: [] };
  }
  let result: CheckResult;
  try {
    // The service keeps the latest result: it must not keep the command output its strings were cut from.
    result = detached(definition.evaluate(facts, policy));
  } catch (error) {
    return { result: unknown(definition.id, `evaluation failed: ${(error as Error).message}`), enforcement: [] };
  }
  const enforcer = definition.enforce;
  if (shouldAct === undefined || result.status !== "fail" || enforcer === undefined) return { result, enforcement: [] };
  try {
    return { result, enforcement: await enforcer.act(facts, policy, runner, (subject) => shouldAct(definition.id, subject)) };
  } catch (error) {
    // Enforcement is best effort: the verdict stands and the failure is visible in the report.
    const failed: EnforcementAction = {
      check: enforcer.check,
      subject: "*",
      action: enforcer.action,
      ok: false,
      detail: `enforcement failed: ${(error as Error).message}`,
    };
    return { result, enforcement: [failed] };
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of checks with different fact types
export type AnyCheck = CheckDefinition<any>;

/** Every check once, verdicts only (`check`, `collect`). */
export async function runChecks(definitions: readonly AnyCheck[], runner: CommandRunner, policy: Policy): Promise<CheckResult[]> {
  return Promise.all(definitions.map((d) => runCheck(d, runner, policy)));
}

/** Every check once, and the enforcement the policy asks for on failures (the service). */
export function runChecksEnforcing(
  definitions: readonly AnyCheck[],
  runner: CommandRunner,
  policy: Policy,
  shouldAct: ShouldAct,
): Promise<CheckOutcome[]> {
  return Promise.all(definitions.map((d) => runCheckOutcome(d, runner, policy, shouldAct)));
}

/**
 * A deep copy that shares no string with its source. A parser's substring of a command's output is a slice
 * that keeps the whole output alive (V8 sliced strings): a 450 KB system_profiler XML stayed in memory for three
 * publisher names of a kept result. Structured clone writes every string anew.
 */
export function detached<T>(value: T): T {
  return structuredClone(value);
}

/** Why a check could not tell, in words for the person reading the result. */
export function reasonOf(error: unknown): string {
  if (error instanceof ParseError || error instanceof NotRecordedError || error instanceof SourceUnavailableError) return error.message;
  if (error instanceof Error) return `collector failed: ${error.message}`;
  return `collector failed: ${String(error)}`;
}
