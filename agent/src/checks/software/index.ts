// The software check: collectors per OS and the pure evaluator.
import type { CheckDefinition } from "../types.js";
import { collectSoftwareLinux } from "./collect.linux.js";
import { collectSoftwareDarwin } from "./collect.darwin.js";
import { collectSoftwareWin32 } from "./collect.win32.js";
import { evaluateSoftware } from "./evaluate.js";
import type { SoftwareFacts } from "./facts.js";

export const softwareCheck: CheckDefinition<SoftwareFacts> = {
  id: "software",
  collectors: { linux: collectSoftwareLinux, darwin: collectSoftwareDarwin, win32: collectSoftwareWin32 },
  evaluate: (facts, policy) => evaluateSoftware(facts, policy.software),
};
