// PowerShell Format-List output (`Select *`, `Get-ItemProperty`): `Name : value` records, wrapped values, section headers.
import { ParseError } from "../../runner/parse-error.js";
import type { PsObject } from "./ps-json.js";

export interface PsListRecord {
  /** The header line a script printed above the record (e.g. `HKLM:\SOFTWARE\Npcap:`), without its colon. */
  section?: string;
  /** Property → value text (empty string when Format-List printed nothing after the colon). */
  properties: PsObject;
}

/** `Name<padding> : value`; the label never starts with a space, and the colon is preceded by at least one. */
const PROPERTY = /^(\S.*?)\s+:(?: (.*))?$/;
/** Lines scripts print around sections: `*****`, `-----`, `=====`. */
const RULE = /^([*=#-])\1{2,}$/;

export interface PsFormatListOptions {
  /**
   * What goes between a value's wrapped lines. Format-List breaks a long value at a space (and drops
   * it) when it can, mid-word when it cannot: "" suits values without spaces (ids, device paths),
   * " " suits text, names and DNs.
   */
  wrapJoin?: "" | " ";
}

/**
 * Reads Format-List text. Records are separated by blank lines; a value too long for the console
 * continues on lines indented to the value column, joined as `options.wrapJoin` says (default:
 * appended as is). A line that is none of these (property, continuation, `Header:`, rule) is an error.
 */
export function parsePsFormatList(text: string, source: string, options: PsFormatListOptions = {}): PsListRecord[] {
  const wrapJoin = options.wrapJoin ?? "";
  const records: PsListRecord[] = [];
  let section: string | undefined;
  let current: PsListRecord | undefined;
  let lastName: string | undefined;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\s+$/, "");
    if (line === "") {
      current = undefined;
      lastName = undefined;
      continue;
    }
    if (/^\s/.test(line)) {
      if (current === undefined || lastName === undefined) {
        throw new ParseError(source, `line ${i + 1}: an indented line with no property before it: ${JSON.stringify(line.slice(0, 80))}`);
      }
      // Only this parser writes these properties, and only strings.
      const held = current.properties[lastName];
      const before = typeof held === "string" ? held : "";
      current.properties[lastName] = before === "" ? line.trim() : `${before}${wrapJoin}${line.trim()}`;
      continue;
    }
    const property = PROPERTY.exec(line);
    if (property !== null) {
      if (current === undefined) {
        current = section === undefined ? { properties: {} } : { section, properties: {} };
        records.push(current);
      }
      lastName = (property[1] as string).trim();
      current.properties[lastName] = (property[2] ?? "").trim();
      continue;
    }
    if (line.endsWith(":") && current === undefined) {
      section = line.slice(0, -1).trim();
      continue;
    }
    if (RULE.test(line.trim()) && current === undefined) continue;
    throw new ParseError(source, `line ${i + 1}: expected "Name : value", got ${JSON.stringify(line.slice(0, 80))}`);
  }
  return records;
}
