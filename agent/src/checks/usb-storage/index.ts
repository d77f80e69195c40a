// The usb-storage check: collectors per OS, the pure evaluator, ejection, and how often it runs live.
import type { RegisteredCheck } from "../types.js";
import { collectUsbStorageLinux } from "./collect.linux.js";
import { collectUsbStorageDarwin } from "./collect.darwin.js";
import { collectUsbStorageWin32 } from "./collect.win32.js";
import { enforceUsbStorage } from "./enforce.js";
import { evaluateUsbStorage } from "./evaluate.js";
import type { UsbFacts } from "./facts.js";

const id = "usb-storage";

export const usbStorageCheck: RegisteredCheck<UsbFacts> = {
  id,
  collectors: { linux: collectUsbStorageLinux, darwin: collectUsbStorageDarwin, win32: collectUsbStorageWin32 },
  evaluate: (facts, policy) => evaluateUsbStorage(facts, policy.usbStorage),
  enforce: { check: id, action: "eject", act: (facts, policy, runner, shouldAct) => enforceUsbStorage(facts, policy.usbStorage, runner, shouldAct) },
  // A safety net: plugging in a device and mounting it wake the check at once.
  live: { everySeconds: 60, wakesOn: ["usb-hotplug", "mount-table"] },
};
