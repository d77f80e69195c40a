// How the Linux screen-lock collector reads a settings file: absent means defaults, present but unreadable means this user cannot be judged.
import { readFile, type TextParser } from "../../runner/read-source.js";
import type { CommandRunner } from "../../runner/runner.js";
import { UnreadableSettings } from "./facts.js";

/** The parsed file, undefined when there is none (or a bundle did not record it); a file the agent may not read makes the user unreadable. */
export async function settingsFile<T>(runner: CommandRunner, path: string, parse: TextParser<T>): Promise<T | undefined> {
  const read = await readFile(runner, path, parse);
  if (read.ok) return read.value;
  if (read.absent) return undefined;
  throw new UnreadableSettings(read.description);
}
