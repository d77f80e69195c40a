// Every check the agent runs, in report order: `check`, `collect`, `sources` and the service (live or replayed) all read this list.
import type { Platform } from "@wegroup/shared";
import { screenLockCheck } from "./screen-lock/index.js";
import { softwareCheck } from "./software/index.js";
import type { AgentCheckId } from "@wegroup/shared";
import type { CheckDefinition, RegisteredCheck, WakeEvent } from "./types.js";
import { usbStorageCheck } from "./usb-storage/index.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- checks of different fact types
export const CHECKS: readonly RegisteredCheck<any>[] = [screenLockCheck, usbStorageCheck, softwareCheck];

/** Wraps a check so that it reuses its last facts while none of `paths` changed (the service's fact cache). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- checks of different fact types
export type ReuseFacts = (check: CheckDefinition<any>, paths: readonly string[]) => CheckDefinition<any>;

/** The checks a live machine runs: every registered one, those whose facts change only with some files reusing them meanwhile. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- checks of different fact types
export function liveChecks(checks: readonly RegisteredCheck<any>[], platform: Platform, reuse: ReuseFacts): CheckDefinition<any>[] {
  return checks.map((check) => {
    const paths = check.live.changesWith?.[platform] ?? [];
    return paths.length === 0 ? check : reuse(check, paths);
  });
}

/** The checks an event wakes at once (their `live.wakesOn`), in registry order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- checks of different fact types
export function checksWokenBy(checks: readonly RegisteredCheck<any>[], event: WakeEvent): AgentCheckId[] {
  return checks.filter((check) => check.live.wakesOn?.includes(event) === true).map((check) => check.id);
}
