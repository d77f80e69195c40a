// `stat -f "%Su %u" PATH` (BSD stat): who owns a path — the console device, a Homebrew prefix.
import { ParseError } from "../../runner/parse-error.js";

export interface PathOwner {
  user: string;
  /** Present when the format asked for it (`%u`). */
  uid?: number;
}

/** One line: a login name, optionally followed by a numeric uid. */
export function parseStatOwner(text: string, source: string): PathOwner {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const match = lines.length === 1 ? /^\s*(\S+)(?:\s+(\d+))?\s*$/.exec(lines[0] as string) : null;
  if (match === null) throw new ParseError(source, `expected "user [uid]" on one line, got ${JSON.stringify(text.slice(0, 80))}`);
  const owner: PathOwner = { user: match[1] as string };
  if (match[2] !== undefined) owner.uid = Number(match[2]);
  return owner;
}
