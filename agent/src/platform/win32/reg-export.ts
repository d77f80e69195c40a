// `.reg` files (`reg export`, regedit): `[key]` sections and `"name"=value` lines, read into the same keys as `reg query`.
import { ParseError } from "../../runner/parse-error.js";
import type { RegKey, RegValue } from "./reg-query.js";

const HEADER = /^(?:Windows Registry Editor Version \d+\.\d+|REGEDIT4)$/;
const KEY = /^\[(-?)(HKEY_[^\]]+)\]$/;
const HEX_TYPES: Readonly<Record<string, string>> = {
  "": "REG_BINARY",
  "0": "REG_NONE",
  "1": "REG_SZ",
  "2": "REG_EXPAND_SZ",
  "3": "REG_BINARY",
  "4": "REG_DWORD",
  "5": "REG_DWORD_BIG_ENDIAN",
  "7": "REG_MULTI_SZ",
  b: "REG_QWORD",
};

export function looksLikeRegExport(text: string): boolean {
  const first = text.split("\n").find((l) => l.trim() !== "");
  return first !== undefined && HEADER.test(first.trim());
}

/**
 * Values come out as `reg query` prints them (DWORDs as `0x…`, strings unescaped, REG_EXPAND_SZ and
 * REG_MULTI_SZ decoded from their UTF-16LE hex bytes), so one set of lookups serves both formats.
 */
export function parseRegExport(text: string, source: string): RegKey[] {
  const lines = joinContinuations(text.split("\n"));
  const firstIndex = lines.findIndex((l) => l.text.trim() !== "");
  const first = lines[firstIndex];
  if (first === undefined || !HEADER.test(first.text.trim())) {
    throw new ParseError(source, `expected "Windows Registry Editor Version 5.00" or "REGEDIT4" first`);
  }
  const keys: RegKey[] = [];
  let current: RegKey | undefined;
  for (const { text: raw, lineNo } of lines.slice(firstIndex + 1)) {
    const line = raw.trim();
    if (line === "" || line.startsWith(";")) continue;
    const key = KEY.exec(line);
    if (key !== null) {
      // `[-HKEY_…]` deletes a key: a .reg file that does that is not an inventory.
      if (key[1] === "-") throw new ParseError(source, `line ${lineNo}: a key deletion is not an export`);
      current = { path: key[2] as string, values: [] };
      keys.push(current);
      continue;
    }
    if (current === undefined) throw new ParseError(source, `line ${lineNo}: a value before any [key]`);
    current.values.push(parseValueLine(line, source, lineNo));
  }
  return keys;
}

function parseValueLine(line: string, source: string, lineNo: number): RegValue {
  let name: string;
  let rest: string;
  if (line.startsWith("@=")) {
    name = "(Default)";
    rest = line.slice(2);
  } else if (line.startsWith('"')) {
    const end = closingQuote(line, 0);
    if (end < 0 || line[end + 1] !== "=")
      throw new ParseError(source, `line ${lineNo}: expected "name"=value, got ${JSON.stringify(line.slice(0, 80))}`);
    name = unescape(line.slice(1, end));
    rest = line.slice(end + 2);
  } else {
    throw new ParseError(source, `line ${lineNo}: expected "name"=value, got ${JSON.stringify(line.slice(0, 80))}`);
  }
  if (rest.startsWith('"')) {
    const end = closingQuote(rest, 0);
    if (end !== rest.length - 1) throw new ParseError(source, `line ${lineNo}: unterminated string for ${name}`);
    return { name, type: "REG_SZ", data: unescape(rest.slice(1, end)) };
  }
  const dword = /^dword:([0-9a-fA-F]{1,8})$/.exec(rest);
  if (dword !== null) return { name, type: "REG_DWORD", data: `0x${Number.parseInt(dword[1] as string, 16).toString(16)}` };
  const hex = /^hex(?:\(([0-9a-fA-F]{1,2})\))?:([0-9a-fA-F,\s]*)$/.exec(rest);
  if (hex !== null) {
    const typeCode = (hex[1] ?? "").toLowerCase().replace(/^0(?=.)/, "");
    const bytes = Buffer.from(
      (hex[2] as string)
        .split(",")
        .map((b) => b.trim())
        .filter((b) => b !== "")
        .map((b) => Number.parseInt(b, 16)),
    );
    const type = HEX_TYPES[typeCode] ?? `REG_0x${typeCode}`;
    return { name, type, data: hexData(type, bytes) };
  }
  if (rest === "-") throw new ParseError(source, `line ${lineNo}: a value deletion is not an export`);
  throw new ParseError(source, `line ${lineNo}: unknown data for ${name}: ${JSON.stringify(rest.slice(0, 60))}`);
}

function hexData(type: string, bytes: Buffer): string {
  switch (type) {
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      return bytes.toString("utf16le").replace(/\0+$/, "");
    case "REG_MULTI_SZ":
      return bytes.toString("utf16le").replace(/\0+$/, "").split("\0").join("\\0");
    case "REG_DWORD":
      return bytes.length >= 4 ? `0x${bytes.readUInt32LE(0).toString(16)}` : bytes.toString("hex").toUpperCase();
    case "REG_QWORD":
      return bytes.length >= 8 ? `0x${bytes.readBigUInt64LE(0).toString(16)}` : bytes.toString("hex").toUpperCase();
    default:
      return bytes.toString("hex").toUpperCase();
  }
}

/** Index of the quote closing the string opened at `open`, skipping `\"` and `\\`; -1 when there is none. */
function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}

/**
 * Binary data wraps with a trailing `\` and goes on, indented, on the next line. A string with line
 * breaks in it (installers put them in Comments) is written as is, its quote closing lines later.
 */
function joinContinuations(lines: readonly string[]): { text: string; lineNo: number }[] {
  const out: { text: string; lineNo: number }[] = [];
  let pending: { text: string; lineNo: number } | undefined;
  let inString: { text: string; lineNo: number } | undefined;
  lines.forEach((line, i) => {
    if (inString !== undefined) {
      inString.text = `${inString.text}\n${line}`;
      if (closesString(line)) {
        out.push(inString);
        inString = undefined;
      }
      return;
    }
    const text = pending === undefined ? line : pending.text + line.trim();
    const lineNo = pending?.lineNo ?? i + 1;
    if (/^\s*(?:"|@=).*=?hex.*\\\s*$/.test(text) || (pending !== undefined && /\\\s*$/.test(line))) {
      pending = { text: text.replace(/\\\s*$/, ""), lineNo };
      return;
    }
    pending = undefined;
    if (opensString(text)) inString = { text, lineNo };
    else out.push({ text, lineNo });
  });
  if (pending !== undefined) out.push(pending);
  if (inString !== undefined) out.push(inString);
  return out;
}

/** `"Name"="text…` or `@="text…` with no closing quote on this line. */
function opensString(line: string): boolean {
  const start = /^\s*(?:"(?:[^"\\]|\\.)*"|@)="/.exec(line);
  return start !== null && !closesString(line.slice(start[0].length));
}

/** Whether the text holds a quote that is not escaped (the string's end). */
function closesString(text: string): boolean {
  return /^(?:[^"\\]|\\.)*"/.test(text);
}
