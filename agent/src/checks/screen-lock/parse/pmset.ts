// `pmset -g` and `pmset -g custom`: power settings in sections ("AC Power:", "Battery Power:", "Currently in use:").
import { ParseError } from "../../../runner/parse-error.js";

export interface PmsetSection {
  /** The header without its colon: "AC Power", "Battery Power", "UPS Power", "Currently in use", … */
  name: string;
  /** Raw values by key; keys may contain spaces ("Sleep On Power Button"). */
  settings: Record<string, string>;
}

/** Sections in printed order. Settings are indented `key value` lines, the value possibly with a note. */
export function parsePmsetSections(text: string, source: string): PmsetSection[] {
  const sections: PmsetSection[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    if (!/^\s/.test(line)) {
      const header = /^(.+):\s*$/.exec(line.trim());
      if (header === null)
        throw new ParseError(
          source,
          `line ${index + 1}: expected a section header such as "AC Power:", got ${JSON.stringify(line.slice(0, 80))}`,
        );
      sections.push({ name: (header[1] as string).trim(), settings: {} });
      continue;
    }
    const section = sections[sections.length - 1];
    if (section === undefined) throw new ParseError(source, `line ${index + 1}: a setting before any section header`);
    const [key, value] = splitSetting(line);
    if (key === undefined)
      throw new ParseError(source, `line ${index + 1}: expected "key value", got ${JSON.stringify(line.slice(0, 80))}`);
    Object.defineProperty(section.settings, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (sections.length === 0) throw new ParseError(source, 'no section (expected e.g. "AC Power:")');
  return sections;
}

/**
 * Columns are space-padded to a fixed width, so two or more spaces end the key; a key that fills its
 * column (`highstandbythreshold 50`) or holds spaces itself (`Sleep On Power Button 1`) ends before
 * its numeric value.
 */
function splitSetting(line: string): [string, string] | [] {
  const content = line.trim();
  const padded =
    /^(\S(?:.*?\S)?)\s{2,}(\S.*)$/.exec(content) ?? /^(.*?\S)\s+(-?\d+(?:\s+\(.*\))?)$/.exec(content) ?? /^(\S+)\s+(\S.*)$/.exec(content);
  if (padded === null) return [];
  return [(padded[1] as string).trim(), (padded[2] as string).trim()];
}

/** A setting's leading integer (`1 (sleep prevented by bluetoothd, coreaudiod)` → 1), if it has one. */
export function pmsetInteger(section: PmsetSection, key: string): number | undefined {
  const raw = Object.hasOwn(section.settings, key) ? section.settings[key] : undefined;
  const match = raw === undefined ? null : /^-?\d+/.exec(raw);
  return match === null ? undefined : Number(match[0]);
}
