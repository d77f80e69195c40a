// Every check the agent runs, in report order.
import { screenLockCheck } from "./screen-lock/index.js";
import { softwareCheck } from "./software/index.js";
import { usbStorageCheck } from "./usb-storage/index.js";

export const CHECKS = [screenLockCheck, usbStorageCheck, softwareCheck] as const;
