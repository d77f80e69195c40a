// software facts on darwin: placeholder until the darwin collector lands.
import { SourceUnavailableError } from "../../runner/runner.js";
import type { Collector } from "../types.js";
import type { SoftwareFacts } from "./facts.js";

export const collectSoftwareDarwin: Collector<SoftwareFacts> = {
  sources: [],
  collect: () => Promise.reject(new SourceUnavailableError("software on darwin", "this collector is not available in this build")),
};
