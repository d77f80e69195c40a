// Runs an optional source and says in words why it gave nothing (not installed, not recorded, failed).
import { decodeText } from "./decode.js";
import { COMMAND_NOT_FOUND, NotRecordedError, type CommandOutput, type CommandRunner } from "./runner.js";

export type Probe<T> = { ok: true; value: T; what: string } | { ok: false; reason: string };

/**
 * Tries each argv in turn (newer flags first, older fallbacks after) and answers the first that
 * succeeds; a missing executable ends the search, a failing one goes on to the next.
 */
export async function firstSucceeding(runner: CommandRunner, candidates: readonly (readonly string[])[]): Promise<Probe<CommandOutput>> {
  let reason = "not recorded";
  for (const argv of candidates) {
    let out: CommandOutput;
    try {
      out = await runner.run(argv);
    } catch (error) {
      if (error instanceof NotRecordedError) continue;
      throw error;
    }
    if (out.exitCode === COMMAND_NOT_FOUND) return { ok: false, reason: "not installed" };
    if (out.exitCode === 0) return { ok: true, value: out, what: argv.join(" ") };
    reason = failure(out);
  }
  return { ok: false, reason };
}

export async function fileContent(runner: CommandRunner, path: string): Promise<Probe<string>> {
  try {
    const bytes = await runner.readFile(path);
    return bytes === undefined ? { ok: false, reason: "absent" } : { ok: true, value: decodeText(bytes), what: path };
  } catch (error) {
    if (error instanceof NotRecordedError) return { ok: false, reason: "not recorded" };
    throw error;
  }
}

function failure(out: CommandOutput): string {
  const message = decodeText(out.stderr).trim().split("\n")[0]?.trim() ?? "";
  return message === "" ? `exit code ${out.exitCode}` : `exit code ${out.exitCode}: ${message.slice(0, 200)}`;
}
