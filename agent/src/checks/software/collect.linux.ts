// software facts on linux: placeholder until the linux collector lands.
import { SourceUnavailableError } from "../../runner/runner.js";
import type { Collector } from "../types.js";
import type { SoftwareFacts } from "./facts.js";

export const collectSoftwareLinux: Collector<SoftwareFacts> = {
  sources: [],
  collect: () => Promise.reject(new SourceUnavailableError("software on linux", "this collector is not available in this build")),
};
