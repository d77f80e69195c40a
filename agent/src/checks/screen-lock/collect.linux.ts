// screen-lock facts on linux: placeholder until the linux collector lands.
import { SourceUnavailableError } from "../../runner/runner.js";
import type { Collector } from "../types.js";
import type { ScreenLockFacts } from "./facts.js";

export const collectScreenLockLinux: Collector<ScreenLockFacts> = {
  sources: [],
  collect: () => Promise.reject(new SourceUnavailableError("screen-lock on linux", "this collector is not available in this build")),
};
