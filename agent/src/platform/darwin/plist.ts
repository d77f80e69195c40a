// Property lists as macOS writes them, XML (read with `plist`) or binary (bplist00): one entry point for both.
import { XMLValidator } from "fast-xml-parser";
import plist from "plist";
import { decodeText } from "../../runner/decode.js";
import { ParseError } from "../../runner/parse-error.js";
import { decodeBinaryPlist, isBinaryPlist } from "./bplist.js";
import { isPlistDict, type PlistDict, type PlistValue } from "./plist-value.js";

/** Decodes plist bytes, sniffing binary vs XML from the content (an Info.plist can be either). */
export function decodePlist(bytes: Buffer, source: string): PlistValue {
  if (isBinaryPlist(bytes)) return decodeBinaryPlist(bytes, source);
  return parseXmlPlist(decodeText(bytes), source);
}

/** An XML plist document. Refuses anything that is not well-formed XML with a <plist> root. */
export function parseXmlPlist(text: string, source: string): PlistValue {
  // `plist` (xmldom underneath) prints to the console and may return a partial tree on broken XML: check first.
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new ParseError(source, `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  try {
    return plist.parse(text) as PlistValue;
  } catch (error) {
    throw new ParseError(source, `not a property list: ${error instanceof Error ? error.message : String(error)}`);
  }
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
