// The software check: collectors per OS, the pure evaluator, and how often it runs live.
import type { RegisteredCheck } from "../types.js";
import { evaluateSoftware } from "./evaluate.js";
import type { SoftwareFacts } from "./facts.js";
import { PACKAGE_DATABASES } from "./package-databases.js";

export const softwareCheck: RegisteredCheck<SoftwareFacts> = {
  id: "software",
  // Loaded on first use: only this OS's collector and parsers are ever in memory.
  collectors: {
    linux: async () => (await import("./collect.linux.js")).collectSoftwareLinux,
    darwin: async () => (await import("./collect.darwin.js")).collectSoftwareDarwin,
    win32: async () => (await import("./collect.win32.js")).collectSoftwareWin32,
  },
  evaluate: (facts, policy) => evaluateSoftware(facts, policy.software),
  // The inventory is slow to read and changes only when a package database does.
  live: { everySeconds: 300, changesWith: PACKAGE_DATABASES },
};
