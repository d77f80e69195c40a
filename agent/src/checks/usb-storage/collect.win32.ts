// usb-storage facts on win32: placeholder until the win32 collector lands.
import { SourceUnavailableError } from "../../runner/runner.js";
import type { Collector } from "../types.js";
import type { UsbFacts } from "./facts.js";

export const collectUsbStorageWin32: Collector<UsbFacts> = {
  sources: [],
  collect: () => Promise.reject(new SourceUnavailableError("usb-storage on win32", "this collector is not available in this build")),
};
