// xfconf per-channel XML (e.g. xfce4-screensaver.xml): a nested <property> tree flattened to "/saver/idle-activation/delay" paths.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { ParseError } from "../../../runner/parse-error.js";

export interface XfconfProperty {
  /** xfconf type name: bool, int, uint, double, string, array, empty, … */
  type: string;
  /** The value attribute as written (absent for "empty" branches and arrays). */
  value: string | undefined;
  /** `locked` attribute (system files only): ";"-separated users, "@group"s or "*". */
  locked: string | undefined;
  unlocked: string | undefined;
}

export interface XfconfChannel {
  name: string;
  locked: string | undefined;
  unlocked: string | undefined;
  properties: Map<string, XfconfProperty>;
}

interface RawElement {
  "@_name"?: string;
  "@_type"?: string;
  "@_value"?: string;
  "@_locked"?: string;
  "@_unlocked"?: string;
  property?: RawElement[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => name === "property" || name === "value" || name === "channel",
});

export function parseXfconfChannel(text: string, source: string): XfconfChannel {
  if (text.trim() === "") throw new ParseError(source, "empty file, expected a <channel> document");
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new ParseError(source, `not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  let doc: { channel?: RawElement[] };
  try {
    doc = parser.parse(text) as { channel?: RawElement[] };
  } catch (error) {
    // The validator lets some malformed processing instructions through that the parser then rejects (found by fuzzing).
    throw new ParseError(source, `not well-formed XML (${(error as Error).message})`);
  }
  const channels = doc.channel ?? [];
  if (channels.length !== 1) throw new ParseError(source, `expected one <channel> element, found ${channels.length}`);
  const channel = channels[0] as RawElement;
  const name = channel["@_name"];
  if (name === undefined || name === "") throw new ParseError(source, "<channel> has no name attribute");
  const properties = new Map<string, XfconfProperty>();
  walk(channel.property ?? [], "", properties, source);
  return { name, locked: channel["@_locked"], unlocked: channel["@_unlocked"], properties };
}

function walk(elements: readonly RawElement[], prefix: string, out: Map<string, XfconfProperty>, source: string): void {
  for (const element of elements) {
    const name = element["@_name"];
    const type = element["@_type"];
    if (name === undefined || name === "" || type === undefined || type === "") {
      throw new ParseError(source, `<property> under "${prefix || "/"}" needs both name and type attributes`);
    }
    const path = `${prefix}/${name}`;
    out.set(path, { type, value: element["@_value"], locked: element["@_locked"], unlocked: element["@_unlocked"] });
    walk(element.property ?? [], path, out, source);
  }
}

/** A bool property's value; undefined when absent. */
export function xfconfBoolean(property: XfconfProperty | undefined, source: string, path: string): boolean | undefined {
  if (property === undefined || property.value === undefined) return undefined;
  const v = property.value.trim().toLowerCase();
  if (v === "true") return true;
  if (v === "false") return false;
  throw new ParseError(source, `${path}: expected a bool value, got ${JSON.stringify(property.value)}`);
}

/** An int/uint/double property as a whole number (xfce4-screensaver stores minutes as int). */
export function xfconfInteger(property: XfconfProperty | undefined, source: string, path: string): number | undefined {
  if (property === undefined || property.value === undefined) return undefined;
  const n = Number(property.value.trim());
  if (property.value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new ParseError(source, `${path}: expected a non-negative number, got ${JSON.stringify(property.value)}`);
  }
  return Math.floor(n);
}
