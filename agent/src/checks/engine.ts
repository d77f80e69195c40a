// Runs the checks through one runner: a failure to collect makes that check unknown, never the agent crash.
import { type CheckResult, type Policy, unknown } from "@wegroup/shared";
import { NotRecordedError, SourceUnavailableError, type CommandRunner } from "../runner/runner.js";
import { ParseError } from "../runner/parse-error.js";
import type { CheckDefinition } from "./types.js";

export async function runCheck<F>(definition: CheckDefinition<F>, runner: CommandRunner, policy: Policy): Promise<CheckResult> {
  const collector = definition.collectors[runner.platform];
  let facts: F;
  try {
    facts = await collector.collect(runner);
  } catch (error) {
    return unknown(definition.id, reasonOf(error));
  }
  return definition.evaluate(facts, policy);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of checks with different fact types
export async function runChecks(definitions: readonly CheckDefinition<any>[], runner: CommandRunner, policy: Policy): Promise<CheckResult[]> {
  return Promise.all(definitions.map((d) => runCheck(d, runner, policy)));
}

/** Why a check could not tell, in words for the person reading the result. */
export function reasonOf(error: unknown): string {
  if (error instanceof ParseError || error instanceof NotRecordedError || error instanceof SourceUnavailableError) return error.message;
  if (error instanceof Error) return `collector failed: ${error.message}`;
  return `collector failed: ${String(error)}`;
}
