// The software check: collectors per OS, the pure evaluator, and how often it runs live.
import type { RegisteredCheck } from "../types.js";
import { collectSoftwareLinux } from "./collect.linux.js";
import { collectSoftwareDarwin } from "./collect.darwin.js";
import { collectSoftwareWin32 } from "./collect.win32.js";
import { evaluateSoftware } from "./evaluate.js";
import type { SoftwareFacts } from "./facts.js";
import { PACKAGE_DATABASES } from "./package-databases.js";

export const softwareCheck: RegisteredCheck<SoftwareFacts> = {
  id: "software",
  collectors: { linux: collectSoftwareLinux, darwin: collectSoftwareDarwin, win32: collectSoftwareWin32 },
  evaluate: (facts, policy) => evaluateSoftware(facts, policy.software),
  // The inventory is slow to read and changes only when a package database does.
  live: { everySeconds: 300, changesWith: PACKAGE_DATABASES },
};
