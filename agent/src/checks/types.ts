// What a check is made of: per-OS collectors (I/O through the runner) and one pure evaluator.
import type { AgentCheckId, CheckResult, EnforcementAction, Platform, Policy } from "@wegroup/shared";
import type { CommandRunner } from "../runner/runner.js";

/**
 * One thing a collector reads, as `sources` prints it. Placeholders in braces are filled per
 * target: `{user}`, `{uid}`, `{home}` (Linux/macOS users), `{sid}` (Windows), `{app}` (an
 * application bundle path), `{usbdev}`/`{usbif}` (Linux sysfs USB device/interface names), and
 * the others `compliance-agent sources --json` lists in its legend.
 */
export type SourceSpec =
  | { kind: "command"; argv: readonly string[]; what: string; optional: boolean; perUser?: boolean }
  | { kind: "file"; path: string; what: string; optional: boolean; perUser?: boolean }
  | { kind: "directory"; path: string; what: string; optional: boolean; perUser?: boolean };

export interface Collector<F> {
  /** Everything this collector may read, in the order it reads it. */
  readonly sources: readonly SourceSpec[];
  collect(runner: CommandRunner): Promise<F>;
}

export interface CheckDefinition<F> {
  readonly id: AgentCheckId;
  readonly collectors: Readonly<Record<Platform, Collector<F>>>;
  evaluate(facts: F, policy: Policy): CheckResult;
  /** Acts on a failing result when the policy asks for it (the service only; `check` never enforces). */
  enforce?(facts: F, policy: Policy, runner: CommandRunner, shouldAct: (subject: string) => boolean): Promise<EnforcementAction[]>;
}

/** Fills `{name}` placeholders of a source template. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export function fillArgv(argv: readonly string[], values: Readonly<Record<string, string>>): string[] {
  return argv.map((part) => fillTemplate(part, values));
}
