// xfconf per-channel XML (e.g. xfce4-screensaver.xml): a nested <property> tree flattened to "/saver/idle-activation/delay" paths.
import { ParseError } from "../../../runner/parse-error.js";
import { childElements, parseXml, XmlError, type XmlElement } from "../../common/parse/xml.js";

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

export function parseXfconfChannel(text: string, source: string): XfconfChannel {
  if (text.trim() === "") throw new ParseError(source, "empty file, expected a <channel> document");
  let channel: XmlElement;
  try {
    channel = parseXml(text);
  } catch (error) {
    if (error instanceof XmlError) throw new ParseError(source, `not well-formed XML (line ${error.line}: ${error.reason})`);
    throw error;
  }
  if (channel.name !== "channel") throw new ParseError(source, `expected one <channel> element, found <${channel.name}>`);
  const name = channel.attributes.name;
  if (name === undefined || name === "") throw new ParseError(source, "<channel> has no name attribute");
  const properties = new Map<string, XfconfProperty>();
  walk(channel, "", properties, source);
  return { name, locked: channel.attributes.locked, unlocked: channel.attributes.unlocked, properties };
}

function walk(parent: XmlElement, prefix: string, out: Map<string, XfconfProperty>, source: string): void {
  for (const element of childElements(parent)) {
    if (element.name !== "property") continue;
    const { name, type } = element.attributes;
    if (name === undefined || name === "" || type === undefined || type === "") {
      throw new ParseError(source, `<property> under "${prefix || "/"}" needs both name and type attributes`);
    }
    const path = `${prefix}/${name}`;
    out.set(path, { type, value: element.attributes.value, locked: element.attributes.locked, unlocked: element.attributes.unlocked });
    walk(element, path, out, source);
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
