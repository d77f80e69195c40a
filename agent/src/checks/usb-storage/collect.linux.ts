// usb-storage facts on linux: placeholder until the linux collector lands.
import { SourceUnavailableError } from "../../runner/runner.js";
import type { Collector } from "../types.js";
import type { UsbFacts } from "./facts.js";

export const collectUsbStorageLinux: Collector<UsbFacts> = {
  sources: [],
  collect: () => Promise.reject(new SourceUnavailableError("usb-storage on linux", "this collector is not available in this build")),
};
