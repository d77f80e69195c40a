// GVariant text values as gsettings, `dconf read` and dconf keyfiles print them: `uint32 300`, `true`, `'str'`.
import { ParseError } from "../../../runner/parse-error.js";

export type GVariantValue =
  | { kind: "boolean"; value: boolean; text: string }
  | { kind: "number"; value: number; text: string }
  | { kind: "string"; value: string; text: string }
  /** Arrays, tuples, dictionaries, maybes, variants: kept as text, the screen-lock keys are never one. */
  | { kind: "other"; text: string };

const TYPE_KEYWORD = /^(?:boolean|byte|int16|uint16|int32|uint32|int64|uint64|double|handle|string|objectpath|signature)\s+/;
const TYPE_ANNOTATION = /^@[a-z{}()*?&@^]+\s+/i;
const NUMBER = /^[+-]?(?:0x[0-9a-f]+|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|inf|nan)$/i;

/** Parses one GVariant text value; `source` names where it came from for the error. */
export function parseGVariant(text: string, source: string): GVariantValue {
  const trimmed = text.trim();
  if (trimmed === "") throw new ParseError(source, "expected a GVariant value, got empty text");
  // The type prefix only disambiguates numbers (uint32 300 vs int32 300); the value follows it.
  const body = trimmed.replace(TYPE_KEYWORD, "").replace(TYPE_ANNOTATION, "");
  if (body === "true" || body === "false") return { kind: "boolean", value: body === "true", text: trimmed };
  if (NUMBER.test(body)) return { kind: "number", value: toNumber(body), text: trimmed };
  const first = body[0];
  if (first === "'" || first === '"') return { kind: "string", value: unquote(body, source), text: trimmed };
  if (first === "[" || first === "(" || first === "{" || first === "<" || body === "nothing" || body.startsWith("just ")) {
    return { kind: "other", text: trimmed };
  }
  throw new ParseError(source, `not a GVariant value: ${excerpt(trimmed)}`);
}

/** The value as a whole non-negative number (delays); anything else is not what the schema promises. */
export function gvariantCount(value: GVariantValue, source: string): number {
  if (value.kind !== "number" || !Number.isInteger(value.value) || value.value < 0) {
    throw new ParseError(source, `expected a non-negative integer, got ${excerpt(value.text)}`);
  }
  return value.value;
}

export function gvariantBoolean(value: GVariantValue, source: string): boolean {
  if (value.kind !== "boolean") throw new ParseError(source, `expected true or false, got ${excerpt(value.text)}`);
  return value.value;
}

function toNumber(body: string): number {
  const sign = body.startsWith("-") ? -1 : 1;
  const unsigned = body.replace(/^[+-]/, "").toLowerCase();
  if (unsigned.startsWith("0x")) return sign * Number.parseInt(unsigned.slice(2), 16);
  if (unsigned === "inf") return sign * Number.POSITIVE_INFINITY;
  if (unsigned === "nan") return Number.NaN;
  return sign * Number(unsigned);
}

const ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", a: "\x07" };

function unquote(body: string, source: string): string {
  const quote = body[0];
  let out = "";
  for (let i = 1; i < body.length; i++) {
    const c = body[i] as string;
    if (c === quote) {
      if (i !== body.length - 1) throw new ParseError(source, `text after the closing quote in ${excerpt(body)}`);
      return out;
    }
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = body[++i];
    if (next === undefined) break;
    if (next === "u" || next === "U") {
      const width = next === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width);
      if (!/^[0-9a-f]+$/i.test(hex) || hex.length !== width) throw new ParseError(source, `bad \\${next} escape in ${excerpt(body)}`);
      out += String.fromCodePoint(Number.parseInt(hex, 16));
      i += width;
    } else {
      out += ESCAPES[next] ?? next;
    }
  }
  throw new ParseError(source, `unterminated string ${excerpt(body)}`);
}

function excerpt(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
