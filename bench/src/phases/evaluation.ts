// Software evaluation cost: the built agent evaluator on a 5,000-package inventory and a 500-rule policy, against a plain 5,000 × 500 string-comparison loop.
import { compilePolicy, evaluateSoftware } from "@wegroup/agent";
import { SoftwarePolicy } from "@wegroup/shared";
import { monoMs } from "../clock.js";
import { asTitles, syntheticInventory, syntheticPolicy, syntheticPolicyInput } from "../inventory.js";
import type { BenchConfig } from "../options.js";
import { median } from "../stats.js";
import { progress } from "./context.js";

export interface EvaluationResult {
  packages: number;
  rules: number;
  /** Validating (zod) and compiling a pushed policy whose patterns are new to the process, median. */
  compileMs: number;
  compileRuns: number;
  /**
   * First evaluation of a new policy (compiles its rules) in a process whose evaluator has run for a while with
   * another policy, as a service's has when IT pushes: V8 has tiered the evaluator's code up, so what is left is
   * what the new policy costs (after a single earlier call this measured V8's tier-up, ~50 ms, not the policy).
   */
  coldMs: number;
  /** The very first evaluation in the process: also loads and JIT-compiles the evaluator. */
  firstInProcessMs: number;
  /** The process's second evaluation (a new policy too), before V8 has optimised the evaluator: what `coldMs` was until 2026-12. */
  secondInProcessMs: number;
  /** Evaluations with an earlier policy before the new one (a service's re-checks between pushes). */
  warmUpRuns: number;
  /** Later evaluations of the same policy (compiled rules cached), median. */
  warmMs: number;
  violations: number;
  loopMs: number;
}

/** The floor: every package name compared with every rule's literal, nothing else. */
function plainLoop(names: readonly string[], ruleTexts: readonly string[]): number {
  let equal = 0;
  for (const name of names) for (const text of ruleTexts) if (name === text) equal++;
  return equal;
}

export async function evaluation(config: BenchConfig): Promise<EvaluationResult> {
  const packages = syntheticInventory(5_000);
  const sources = [...new Set(packages.map((p) => p.source))];
  const facts = { titles: asTitles(packages), sources, problems: [] };
  const rules = 500;
  progress(`evaluation: ${packages.length} packages × ${rules} rules (${config.evaluationRuns} runs)`);

  // The process's first evaluation loads the evaluator's code; the service then re-checks with that policy (every
  // minute live) until IT pushes another, which is new to it the way `coldPolicy` is here.
  const running = syntheticPolicy(rules);
  let t = monoMs();
  evaluateSoftware(facts, syntheticPolicy(rules));
  const firstInProcessMs = monoMs() - t;
  t = monoMs();
  evaluateSoftware(facts, running);
  const secondInProcessMs = monoMs() - t;
  for (let i = 0; i < config.evaluationRuns; i++) evaluateSoftware(facts, running);
  const coldPolicy = syntheticPolicy(rules);
  t = monoMs();
  const first = evaluateSoftware(facts, coldPolicy);
  const coldMs = monoMs() - t;
  const warm: number[] = [];
  for (let i = 0; i < config.evaluationRuns; i++) {
    t = monoMs();
    evaluateSoftware(facts, coldPolicy);
    warm.push(monoMs() - t);
  }

  // What a push costs before the first evaluation: the schema over the JSON as received, then the rule index.
  const compile: number[] = [];
  for (let i = 0; i < config.evaluationRuns; i++) {
    const pushed = JSON.parse(JSON.stringify(syntheticPolicyInput(rules, `~${i}`))) as unknown;
    t = monoMs();
    compilePolicy(SoftwarePolicy.parse(pushed));
    compile.push(monoMs() - t);
  }

  const names = packages.map((p) => p.name.toLowerCase());
  const ruleTexts = [...coldPolicy.allow, ...coldPolicy.deny].map((r) =>
    (r.name ?? r.publisher ?? r.bundleId ?? r.source ?? "").toLowerCase(),
  );
  const loop: number[] = [];
  let sink = 0;
  for (let i = 0; i < config.evaluationRuns; i++) {
    t = monoMs();
    sink += plainLoop(names, ruleTexts);
    loop.push(monoMs() - t);
  }
  if (sink < 0) throw new Error("unreachable: keeps the loop from being optimised away");
  return {
    packages: packages.length,
    rules: ruleTexts.length,
    compileMs: median(compile),
    compileRuns: compile.length,
    warmUpRuns: config.evaluationRuns,
    secondInProcessMs,
    coldMs,
    firstInProcessMs,
    warmMs: median(warm),
    violations: first.violations.length,
    loopMs: median(loop),
  };
}
