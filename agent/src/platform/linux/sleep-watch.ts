// Linux: logind's PrepareForSleep signal, heard through `gdbus monitor` on the system bus: "sleep" before the OS
// suspends, "resume" after it woke. Without gdbus or a system bus (a container), nothing is heard, and a sleeping
// laptop is simply silent — which opens nothing on the server either.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Logger } from "pino";
import { parsePrepareForSleep } from "../../service/presence.js";

export const GDBUS_MONITOR = [
  "gdbus",
  "monitor",
  "--system",
  "--dest",
  "org.freedesktop.login1",
  "--object-path",
  "/org/freedesktop/login1",
] as const;

/** Starts listening; answers how to stop. (No delay inhibitor is taken: the goodbye goes out if the suspend leaves it the moment.) */
export function watchLogindSleep(logger: Logger, on: (event: "sleep" | "resume") => void): () => void {
  const [command, ...args] = GDBUS_MONITOR;
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "ignore"] });
  child.on("error", (error) =>
    logger.info({ err: error.message }, "logind sleep signals are not available here (no gdbus); a sleep shows as silence"),
  );
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    const event = parsePrepareForSleep(line);
    if (event !== undefined) on(event);
  });
  child.unref();
  return () => {
    lines.close();
    child.kill();
  };
}
