// Small reading helpers for the Linux collector: commands that may fail, optional directories, the "cannot read" error.
import { decodeText } from "../../../runner/decode.js";
import { NotRecordedError, runOptional, type CommandRunner } from "../../../runner/runner.js";

/** A user's settings cannot be read: the reason ends up in `facts.unreadable`. */
export class UnreadableSettings extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "UnreadableSettings";
  }
}

export type Attempt = { ok: true; text: string } | { ok: false; why: string };

/** Runs a command that may be missing or fail; the outcome says why in words when it did not give output. */
export async function attempt(runner: CommandRunner, argv: readonly string[]): Promise<Attempt> {
  const shown = shownCommand(argv);
  const out = await runOptional(runner, argv);
  if (out === undefined) return { ok: false, why: `${shown}: not available (not installed, or not recorded)` };
  if (out.exitCode !== 0) {
    const err = firstLine(decodeText(out.stderr)) || firstLine(decodeText(out.stdout));
    return { ok: false, why: `${shown}: exit status ${out.exitCode}${err === "" ? "" : ` (${err})`}` };
  }
  return { ok: true, text: decodeText(out.stdout) };
}

/** Reads an optional file as text (undefined when absent or not recorded). */
export async function readText(runner: CommandRunner, path: string): Promise<string | undefined> {
  try {
    const bytes = await runner.readFile(path);
    return bytes === undefined ? undefined : decodeText(bytes);
  } catch (error) {
    if (error instanceof NotRecordedError) return undefined;
    throw error;
  }
}

/** Lists a directory that may legitimately be absent; in replay, nothing recorded below it counts as absent. */
export async function listOptional(runner: CommandRunner, path: string): Promise<string[] | undefined> {
  try {
    return await runner.listDir(path);
  } catch (error) {
    if (error instanceof NotRecordedError) return undefined;
    throw error;
  }
}

/** The command without the `runuser -u USER --` prefix, for messages. */
export function shownCommand(argv: readonly string[]): string {
  const rest = argv[0] === "runuser" && argv[1] === "-u" && argv[3] === "--" ? argv.slice(4) : argv;
  return rest.join(" ");
}

export function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "")?.trim() ?? "";
}
