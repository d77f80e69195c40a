// The screen-lock check: collectors per OS, the pure evaluator, and how often it runs live.
import type { RegisteredCheck } from "../types.js";
import { evaluateScreenLock } from "./evaluate.js";
import type { ScreenLockFacts } from "./facts.js";

export const screenLockCheck: RegisteredCheck<ScreenLockFacts> = {
  id: "screen-lock",
  // Loaded on first use: only this OS's collector and parsers are ever in memory.
  collectors: {
    linux: async () => (await import("./collect.linux.js")).collectScreenLockLinux,
    darwin: async () => (await import("./collect.darwin.js")).collectScreenLockDarwin,
    win32: async () => (await import("./collect.win32.js")).collectScreenLockWin32,
  },
  evaluate: (facts, policy) => evaluateScreenLock(facts, policy.screenLock),
  live: { everySeconds: 60 },
};
