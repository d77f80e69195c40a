// gsettings output: `get` (one GVariant value), `writable` (true/false) and `list-recursively` (schema key value lines).
import { ParseError } from "../../../runner/parse-error.js";
import { parseGVariant, type GVariantValue } from "./gsettings-gvariant.js";

export interface GsettingsEntry {
  schema: string;
  key: string;
  value: GVariantValue;
}

/** `gsettings get SCHEMA KEY`: exactly one value line. */
export function parseGsettingsGet(text: string, source: string): GVariantValue {
  const lines = nonEmptyLines(text);
  if (lines.length !== 1) throw new ParseError(source, `expected one value line, got ${lines.length}`);
  return parseGVariant(lines[0] as string, source);
}

/** `gsettings writable SCHEMA KEY`: false means machine policy (a dconf lock) fixes the key. */
export function parseGsettingsWritable(text: string, source: string): boolean {
  const lines = nonEmptyLines(text);
  const only = lines.length === 1 ? lines[0]?.trim() : undefined;
  if (only === "true") return true;
  if (only === "false") return false;
  throw new ParseError(source, `expected "true" or "false", got ${JSON.stringify(text.slice(0, 80))}`);
}

/**
 * `gsettings list-recursively [SCHEMA]`: `schema key value` per line, the value running to the end
 * of the line (strings contain spaces). Sorted on GLib 2.74, unsorted on older GLib: order is not used.
 */
export function parseGsettingsListRecursively(text: string, source: string): GsettingsEntry[] {
  const entries: GsettingsEntry[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const match = /^\s*([A-Za-z0-9_.-]+(?::[^\s]+)?)\s+([A-Za-z0-9_-]+)\s+(\S.*)$/.exec(line);
    if (match === null)
      throw new ParseError(source, `line ${index + 1}: expected "schema key value", got ${JSON.stringify(line.slice(0, 80))}`);
    const [, schema, key, value] = match as unknown as [string, string, string, string];
    entries.push({ schema, key, value: parseGVariant(value, `${source} (${schema} ${key})`) });
  }
  return entries;
}

function nonEmptyLines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "");
}
