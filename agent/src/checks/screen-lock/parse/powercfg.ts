// powercfg output: a setting's current AC/DC values found by its GUID, and the power schemes of `powercfg /l`.
import { ParseError } from "../../../runner/parse-error.js";

/** "Turn off display after" (alias VIDEOIDLE, subgroup SUB_VIDEO): seconds, 0 = never. */
export const VIDEOIDLE_GUID = "3c0bc021-c8a8-4e07-a973-6b14cbcb2b7e";
/** "Require a password on wakeup" (alias CONSOLELOCK, subgroup SUB_NONE): index 1 = yes. */
export const CONSOLELOCK_GUID = "0e796bdb-100d-47d6-a2d5-f7d2daa51f51";

export interface PowerSettingValue {
  /** Plugged in. */
  ac: number;
  /** On battery. */
  dc: number;
}

export interface PowerScheme {
  guid: string;
  name: string;
  active: boolean;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** `label: 0x00000258` — labels are translated, the `0x` values never are. */
const HEX_VALUE = /:\s*0x([0-9a-f]{1,8})\s*$/i;
/** `Possible Setting Index: 000` — only settings with a list of choices have these lines. */
const CHOICE_INDEX = /:\s*\d{3}\s*$/;

/**
 * The current AC and DC values of one setting. Labels are localized ("Current AC Power Setting
 * Index", "Index der aktuellen Wechselstromeinstellung", …) and indentation may be lost, so the
 * block is found by the setting's GUID and the values by position: a range setting prints
 * minimum, maximum and increment before the two current values, a choice setting only the two.
 * Any other count means the block was cut, and reading it would be guessing.
 */
export function parsePowercfgSetting(text: string, settingGuid: string, source: string): PowerSettingValue {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.toLowerCase().includes(settingGuid.toLowerCase()));
  if (start < 0) throw new ParseError(source, `setting ${settingGuid} is not in the output`);
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (GUID.test(line)) break;
    block.push(line);
  }
  const hex = block.flatMap((line) => {
    const m = HEX_VALUE.exec(line);
    return m === null ? [] : [Number.parseInt(m[1] as string, 16)];
  });
  const isChoice = block.some((line) => CHOICE_INDEX.test(line));
  const expected = isChoice ? 2 : 5;
  if (hex.length !== expected) {
    throw new ParseError(
      source,
      `setting ${settingGuid}: expected ${expected} hex values (${isChoice ? "AC, DC" : "minimum, maximum, increment, AC, DC"}), found ${hex.length} — output cut short?`,
    );
  }
  return { ac: hex[expected - 2] as number, dc: hex[expected - 1] as number };
}

/** `Power Scheme GUID: <guid>  (Name)` with a trailing `*` on the active one. */
const SCHEME_LINE = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s*(?:\((.*)\))?\s*(\*)?\s*$/i;

/**
 * `powercfg /l`: a localized title, a dashed rule, then one line per scheme. Every line after the
 * rule must carry a scheme GUID, and exactly one scheme is active.
 */
export function parsePowercfgList(text: string, source: string): PowerScheme[] {
  const lines = text.split("\n").map((l) => l.trim());
  const rule = lines.findIndex((l) => /^-{3,}$/.test(l));
  if (rule < 0) throw new ParseError(source, "expected a title and a dashed rule before the schemes");
  const schemes = lines.slice(rule + 1).flatMap((line, i) => {
    if (line === "") return [];
    const m = SCHEME_LINE.exec(line);
    if (m === null)
      throw new ParseError(source, `line ${rule + i + 2}: expected a power scheme GUID, got ${JSON.stringify(line.slice(0, 80))}`);
    return [{ guid: (m[1] as string).toLowerCase(), name: (m[2] ?? "").trim(), active: m[3] === "*" }];
  });
  const active = schemes.filter((s) => s.active).length;
  if (active !== 1) throw new ParseError(source, `expected exactly one active scheme (marked *), found ${active}`);
  return schemes;
}

/** The scheme a `powercfg /q` output is about: its first line carries the scheme GUID and name. */
export function powercfgQueriedScheme(text: string): { guid: string; name: string } | undefined {
  const first = text.split("\n").find((l) => l.trim() !== "");
  const m = first === undefined ? null : SCHEME_LINE.exec(first);
  return m === null ? undefined : { guid: (m[1] as string).toLowerCase(), name: (m[2] ?? "").trim() };
}
