// software facts on win32: placeholder until the win32 collector lands.
import { SourceUnavailableError } from "../../runner/runner.js";
import type { Collector } from "../types.js";
import type { SoftwareFacts } from "./facts.js";

export const collectSoftwareWin32: Collector<SoftwareFacts> = {
  sources: [],
  collect: () => Promise.reject(new SourceUnavailableError("software on win32", "this collector is not available in this build")),
};
