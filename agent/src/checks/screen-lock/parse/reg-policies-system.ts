// The machine inactivity limit (InactivityTimeoutSecs under …\Policies\System) from reg query, Get-ItemProperty or its JSON.
import { ParseError } from "../../../runner/parse-error.js";
import { parsePsFormatList } from "../../../platform/win32/ps-format-list.js";
import { parsePsJson, psInteger } from "../../../platform/win32/ps-json.js";
import { parseRegQuery, regInteger, regKeyEndingWith, regValue } from "../../../platform/win32/reg-query.js";

const VALUE_NAME = "InactivityTimeoutSecs";

/**
 * Seconds after which Windows locks the machine whatever the user's screen saver says ("Interactive
 * logon: Machine inactivity limit"), or undefined when this text does not set it (0 also disables it).
 * The format is sniffed: `reg query` lines, `ConvertTo-Json`, or Get-ItemProperty's Format-List.
 */
export function parseInactivityTimeout(text: string, source: string): number | undefined {
  const trimmed = text.trim();
  let seconds: number | undefined;
  if (trimmed === "") return undefined;
  if (/^HKEY_/i.test(trimmed)) {
    const keys = parseRegQuery(text, source);
    const key = regKeyEndingWith(keys, "\\Policies\\System") ?? keys[0];
    seconds = regInteger(regValue(key, VALUE_NAME), source);
  } else if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    const items = parsePsJson(trimmed, source);
    seconds = items.length === 0 ? undefined : psInteger(items[0] as Record<string, unknown>, VALUE_NAME, source);
  } else {
    const records = parsePsFormatList(text, source);
    if (records.length === 0) throw new ParseError(source, "expected `Name : value` lines");
    seconds = psInteger((records[0] as { properties: Record<string, unknown> }).properties, VALUE_NAME, source);
  }
  return seconds === undefined || seconds <= 0 ? undefined : seconds;
}
