// The usb-storage check: collectors per OS, the pure evaluator, ejection, and how often it runs live.
import type { RegisteredCheck } from "../types.js";
import { enforceUsbStorage } from "./enforce.js";
import { evaluateUsbStorage } from "./evaluate.js";
import type { UsbFacts } from "./facts.js";

const id = "usb-storage";

export const usbStorageCheck: RegisteredCheck<UsbFacts> = {
  id,
  // Loaded on first use: only this OS's collector and parsers are ever in memory.
  collectors: {
    linux: async () => (await import("./collect.linux.js")).collectUsbStorageLinux,
    darwin: async () => (await import("./collect.darwin.js")).collectUsbStorageDarwin,
    win32: async () => (await import("./collect.win32.js")).collectUsbStorageWin32,
  },
  evaluate: (facts, policy) => evaluateUsbStorage(facts, policy.usbStorage),
  enforce: {
    check: id,
    action: "eject",
    act: (facts, policy, runner, shouldAct) => enforceUsbStorage(facts, policy.usbStorage, runner, shouldAct),
  },
  // A safety net: plugging in a device and mounting it wake the check at once.
  live: { everySeconds: 60, wakesOn: ["usb-hotplug", "mount-table"] },
};
