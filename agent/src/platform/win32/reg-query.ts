// `reg query` output (with or without /s and /v) as keys and typed values, plus lookups the checks share.
import { ParseError } from "../../runner/parse-error.js";

export interface RegValue {
  name: string;
  /** REG_SZ, REG_DWORD, …, as reg.exe names it. */
  type: string;
  /** The data as reg.exe prints it: DWORDs as `0x…`, binary as hex digits, multi-strings joined by `\0`. */
  data: string;
}

export interface RegKey {
  /** Full path as printed, e.g. `HKEY_USERS\S-1-5-21-…\Control Panel\Desktop`. */
  path: string;
  values: RegValue[];
}

const ROOT = /^HKEY_(?:LOCAL_MACHINE|USERS|CURRENT_USER|CLASSES_ROOT|CURRENT_CONFIG|PERFORMANCE_DATA)(?:\\.*)?$/i;
/**
 * `    name    REG_TYPE    data`: four-space separators, but data may be empty (and its trailing
 * separator trimmed by whoever copied it) and a copy may have collapsed the spacing.
 */
const VALUE = /^\s*(.*?)\s+(REG_[A-Z0-9_]+)(?:\s(.*))?$/;
/** `End of search: 3 match(es) found.` (only with /f; localized), the one line reg.exe adds after the keys. */
const SUMMARY = /^\S.*\d/;
const STRING_TYPES = new Set(["REG_SZ", "REG_EXPAND_SZ", "REG_MULTI_SZ"]);

/**
 * Parses what `reg query KEY [/s] [/v NAME]` prints on success. Empty output (a key with neither
 * values nor subkeys) is no keys. Any line that is neither a key, a value nor the final summary is
 * an error: a truncated or foreign text must not read as "value not set".
 */
export function parseRegQuery(text: string, source: string): RegKey[] {
  const keys: RegKey[] = [];
  let current: RegKey | undefined;
  const lines = text.split("\n");
  const lastContent = findLastIndex(lines, (line) => line.trim() !== "");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\s+$/, "");
    if (line.trim() === "") continue;
    if (ROOT.test(line.trim()) && !/^\s/.test(line)) {
      current = { path: line.trim(), values: [] };
      keys.push(current);
      continue;
    }
    const value = VALUE.exec(line);
    if (value !== null && current !== undefined) {
      current.values.push({ name: value[1] as string, type: value[2] as string, data: (value[3] ?? "").trim() });
      continue;
    }
    if (i === lastContent && keys.length > 0 && !/^\s/.test(line) && SUMMARY.test(line)) continue;
    // A string with a line break in it (installers put them in Comments) goes on, unindented, on the next line.
    const previous = current?.values.at(-1);
    if (previous !== undefined && STRING_TYPES.has(previous.type) && continuesString(lines, i)) {
      previous.data = `${previous.data}\n${line.trim()}`;
      continue;
    }
    const what = current === undefined ? "a registry key path (HKEY_…) first" : "a key path or a `name    REG_TYPE    data` line";
    throw new ParseError(source, `line ${i + 1}: expected ${what}, got ${JSON.stringify(line.slice(0, 120))}`);
  }
  return keys;
}

/** The value of that name in the key; Windows value names are case-insensitive (ScreenSaveTimeout = ScreenSaveTimeOut). */
export function regValue(key: RegKey | undefined, name: string): RegValue | undefined {
  const wanted = name.toLowerCase();
  return key?.values.find((v) => v.name.toLowerCase() === wanted);
}

/** The key whose path ends with `suffix` (case-insensitive), e.g. `\Control Panel\Desktop`. */
export function regKeyEndingWith(keys: readonly RegKey[], suffix: string): RegKey | undefined {
  const wanted = suffix.toLowerCase();
  return keys.find((k) => k.path.toLowerCase().endsWith(wanted));
}

/** The last path segment: the subkey's own name. */
export function regKeyName(key: RegKey): string {
  const cut = key.path.lastIndexOf("\\");
  return cut < 0 ? key.path : key.path.slice(cut + 1);
}

/**
 * A number stored either way Windows does: REG_DWORD/REG_QWORD printed as `0x…`, or REG_SZ decimal
 * (the screen-saver values are strings). Empty data is "not set"; anything else non-numeric is an error.
 */
export function regInteger(value: RegValue | undefined, source: string): number | undefined {
  if (value === undefined) return undefined;
  const data = value.data.trim();
  if (data === "") return undefined;
  if (/^0x[0-9a-f]{1,16}$/i.test(data)) return Number.parseInt(data.slice(2), 16);
  if (/^-?\d{1,15}$/.test(data)) return Number.parseInt(data, 10);
  throw new ParseError(source, `${value.name} (${value.type}): expected a number, got ${JSON.stringify(data.slice(0, 60))}`);
}

/** A string value, trimmed; empty is "not set". */
export function regString(value: RegValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  const data = value.data.trim();
  return data === "" ? undefined : data;
}

/** A 0/1 switch stored as REG_SZ "0"/"1" or a DWORD; anything else is an error. */
export function regFlag(value: RegValue | undefined, source: string): boolean | undefined {
  const n = regInteger(value, source);
  if (n === undefined) return undefined;
  if (n === 0 || n === 1) return n === 1;
  throw new ParseError(source, `${value?.name ?? "value"}: expected 0 or 1, got ${n}`);
}

/** The line right after a string value's line (or after its earlier continuation lines), not after a blank line. */
function continuesString(lines: readonly string[], index: number): boolean {
  const before = lines[index - 1];
  return before !== undefined && before.trim() !== "";
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i] as T)) return i;
  return -1;
}
