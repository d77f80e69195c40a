// screen-lock facts on win32: placeholder until the win32 collector lands.
import { SourceUnavailableError } from "../../runner/runner.js";
import type { Collector } from "../types.js";
import type { ScreenLockFacts } from "./facts.js";

export const collectScreenLockWin32: Collector<ScreenLockFacts> = {
  sources: [],
  collect: () => Promise.reject(new SourceUnavailableError("screen-lock on win32", "this collector is not available in this build")),
};
