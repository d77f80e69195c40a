// Property lists as macOS writes them, XML or binary (bplist00): one entry point for both.
import { childElements, ownText, parseXml, XmlError, type XmlElement } from "../../checks/common/parse/xml.js";
import { decodeText } from "../../runner/decode.js";
import { ParseError } from "../../runner/parse-error.js";
import { decodeBinaryPlist, isBinaryPlist } from "./bplist.js";
import { isPlistDict, type PlistDict, type PlistValue } from "./plist-value.js";

/** Decodes plist bytes, sniffing binary vs XML from the content (an Info.plist can be either). */
export function decodePlist(bytes: Buffer, source: string): PlistValue {
  if (isBinaryPlist(bytes)) return decodeBinaryPlist(bytes, source);
  return parseXmlPlist(decodeText(bytes), source);
}

/**
 * An XML plist document. Refuses anything that is not well-formed XML with a <plist> root. Reads values as Apple's
 * DTD (and the `plist` package, which it replaced and is checked against in the tests) does: a <plist> with one value
 * is that value, with several an array of them; a <dict> whose last key has no value gives that key "".
 */
export function parseXmlPlist(text: string, source: string): PlistValue {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (error) {
    if (error instanceof XmlError) throw new ParseError(source, `not well-formed XML: ${error.reason} (line ${error.line})`);
    throw error;
  }
  if (root.name !== "plist") notAPlist(source, `the root element is <${root.name}>, not <plist>`);
  const values = plistValues(childElements(root), source);
  return values.length === 1 ? (values[0] as PlistValue) : values;
}

function notAPlist(source: string, reason: string): never {
  throw new ParseError(source, `not a property list: ${reason}`);
}

function plistValues(elements: readonly XmlElement[], source: string): PlistValue[] {
  const values: PlistValue[] = [];
  for (const element of elements) {
    const value = plistValue(element, source);
    if (value !== null) values.push(value);
  }
  return values;
}

/** One value element; null for <null/> (not Apple's, but CoreFoundation-adjacent writers emit it), which is left out. */
function plistValue(element: XmlElement, source: string): PlistValue | null {
  switch (element.name) {
    case "dict":
      return plistDict(element, source);
    case "array":
      return plistValues(childElements(element), source);
    case "string":
      return ownText(element);
    case "integer": {
      const text = ownText(element);
      if (text === "") notAPlist(source, "an empty <integer>");
      return parseInt(text, 10);
    }
    case "real": {
      const text = ownText(element);
      if (text === "") notAPlist(source, "an empty <real>");
      return parseFloat(text);
    }
    case "true":
      return true;
    case "false":
      return false;
    case "date": {
      const text = ownText(element);
      if (text === "") notAPlist(source, "an empty <date>");
      return new Date(text);
    }
    case "data":
      return Buffer.from(ownText(element).replace(/\s+/g, ""), "base64");
    case "null":
      return null;
    default:
      return notAPlist(source, `<${element.name}> is not a plist value`);
  }
}

function plistDict(element: XmlElement, source: string): PlistDict {
  const dict: PlistDict = {};
  const items = childElements(element);
  for (let i = 0; i < items.length; i += 2) {
    const keyElement = items[i] as XmlElement;
    if (keyElement.name !== "key") notAPlist(source, `<${keyElement.name}> where a <dict> needs a <key>`);
    const key = ownText(keyElement);
    // A "__proto__" key would set the object's prototype instead of an entry (the `plist` package's CVE-2022-22912).
    if (key === "__proto__") notAPlist(source, 'a "__proto__" key');
    const valueElement = items[i + 1];
    if (valueElement === undefined) {
      dict[key] = "";
      break;
    }
    if (valueElement.name === "key") notAPlist(source, `key "${ownText(valueElement)}" where "${key}" needs a value`);
    const value = plistValue(valueElement, source);
    if (value !== null) dict[key] = value;
  }
  return dict;
}

/** The top-level value as a dictionary, or a ParseError saying what it was instead. */
export function expectDict(value: PlistValue, source: string): PlistDict {
  if (!isPlistDict(value)) throw new ParseError(source, `expected a dictionary at the top level, got ${describe(value)}`);
  return value;
}

export function describe(value: PlistValue): string {
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (Buffer.isBuffer(value)) return "data";
  if (isPlistDict(value)) return "a dictionary";
  return `a ${typeof value}`;
}

/** True when text looks like an XML plist (so a caller can tell it from JSON or system_profiler's text form). */
export function looksLikeXml(text: string): boolean {
  return /^\s*(<\?xml|<!DOCTYPE|<plist)/.test(text);
}
