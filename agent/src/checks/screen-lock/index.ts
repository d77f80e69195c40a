// The screen-lock check: collectors per OS, the pure evaluator, and how often it runs live.
import type { RegisteredCheck } from "../types.js";
import { collectScreenLockLinux } from "./collect.linux.js";
import { collectScreenLockDarwin } from "./collect.darwin.js";
import { collectScreenLockWin32 } from "./collect.win32.js";
import { evaluateScreenLock } from "./evaluate.js";
import type { ScreenLockFacts } from "./facts.js";

export const screenLockCheck: RegisteredCheck<ScreenLockFacts> = {
  id: "screen-lock",
  collectors: { linux: collectScreenLockLinux, darwin: collectScreenLockDarwin, win32: collectScreenLockWin32 },
  evaluate: (facts, policy) => evaluateScreenLock(facts, policy.screenLock),
  live: { everySeconds: 60 },
};
