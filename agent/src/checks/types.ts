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

/**
 * A platform's collector, loaded on first use (a dynamic import): an agent loads only its own OS's collectors
 * and parsers, never the other two.
 */
export type CollectorLoader<F> = () => Promise<Collector<F>>;

/** A collector already in memory, as a loader (tests, wrappers). */
export const loaded =
  <F>(collector: Collector<F>): CollectorLoader<F> =>
  async () =>
    collector;

/** The same collector on every OS. */
export const onEveryOs = <F>(collector: Collector<F>): Readonly<Record<Platform, CollectorLoader<F>>> => {
  const load = loaded(collector);
  return { linux: load, darwin: load, win32: load };
};

export interface CheckDefinition<F> {
  readonly id: AgentCheckId;
  readonly collectors: Readonly<Record<Platform, CollectorLoader<F>>>;
  evaluate(facts: F, policy: Policy): CheckResult;
  /** Acts on a failing result when the policy asks for it (the service only; `check` never enforces). */
  readonly enforce?: Enforcer<F>;
}

/** What a check does about a failure when its policy says so, and how its reports name that. */
export interface Enforcer<F> {
  /** The check the actions are reported under (the protocol names the checks that may act): the definition's own id. */
  readonly check: EnforcementAction["check"];
  readonly action: EnforcementAction["action"];
  act(facts: F, policy: Policy, runner: CommandRunner, shouldAct: (subject: string) => boolean): Promise<EnforcementAction[]>;
}

/** How the service runs a check on a live machine when no event wakes it. */
export interface LiveSchedule {
  /** Seconds between runs. */
  readonly everySeconds: number;
  /**
   * Files and folders whose modification time changes whenever the facts may have (per OS; none: always
   * re-read): while none changed, the service reuses the last facts.
   */
  readonly changesWith?: Readonly<Record<Platform, readonly string[]>>;
  /** Events that wake the check at once, besides its interval (the service's triggers). */
  readonly wakesOn?: readonly WakeEvent[];
}

/** `usb-hotplug`: a USB device attached or detached; `mount-table`: the mount table changed (Linux). */
export type WakeEvent = "usb-hotplug" | "mount-table";

/** A check the agent runs: everywhere (`check`, `collect`, replay) and on a schedule when live. */
export interface RegisteredCheck<F> extends CheckDefinition<F> {
  readonly live: LiveSchedule;
}

/** Fills `{name}` placeholders of a source template. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export function fillArgv(argv: readonly string[], values: Readonly<Record<string, string>>): string[] {
  return argv.map((part) => fillTemplate(part, values));
}
