// screen-lock facts on darwin: placeholder until the darwin collector lands.
import { SourceUnavailableError } from "../../runner/runner.js";
import type { Collector } from "../types.js";
import type { ScreenLockFacts } from "./facts.js";

export const collectScreenLockDarwin: Collector<ScreenLockFacts> = {
  sources: [],
  collect: () => Promise.reject(new SourceUnavailableError("screen-lock on darwin", "this collector is not available in this build")),
};
