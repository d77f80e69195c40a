// The usb-storage check: collectors per OS and the pure evaluator.
import type { CheckDefinition } from "../types.js";
import { collectUsbStorageLinux } from "./collect.linux.js";
import { collectUsbStorageDarwin } from "./collect.darwin.js";
import { collectUsbStorageWin32 } from "./collect.win32.js";
import { enforceUsbStorage } from "./enforce.js";
import { evaluateUsbStorage } from "./evaluate.js";
import type { UsbFacts } from "./facts.js";

export const usbStorageCheck: CheckDefinition<UsbFacts> = {
  id: "usb-storage",
  collectors: { linux: collectUsbStorageLinux, darwin: collectUsbStorageDarwin, win32: collectUsbStorageWin32 },
  evaluate: (facts, policy) => evaluateUsbStorage(facts, policy.usbStorage),
  enforce: (facts, policy, runner, shouldAct) => enforceUsbStorage(facts, policy.usbStorage, runner, shouldAct),
};
