// usb-storage facts on darwin: placeholder until the darwin collector lands.
import { SourceUnavailableError } from "../../runner/runner.js";
import type { Collector } from "../types.js";
import type { UsbFacts } from "./facts.js";

export const collectUsbStorageDarwin: Collector<UsbFacts> = {
  sources: [],
  collect: () => Promise.reject(new SourceUnavailableError("usb-storage on darwin", "this collector is not available in this build")),
};
