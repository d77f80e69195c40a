// Turns command and file bytes into text once, at the parser's edge: BOMs, UTF-16, OEM code pages, CRLF.

export interface DecodeOptions {
  /** Code page to use when the bytes are not UTF-8 or UTF-16 (reg.exe writes the console's OEM code page). */
  fallbackEncoding?: "cp850";
}

/** Decodes bytes to text with `\n` line ends: honours a BOM, detects BOM-less UTF-16LE, else UTF-8 (or the fallback). */
export function decodeText(bytes: Buffer | Uint8Array, options: DecodeOptions = {}): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  let text: string;
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) text = buf.subarray(3).toString("utf8");
  else if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) text = buf.subarray(2).toString("utf16le");
  else if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) text = utf16be(buf.subarray(2));
  else if (looksLikeUtf16le(buf)) text = buf.toString("utf16le");
  else if (options.fallbackEncoding === "cp850" && !isValidUtf8(buf)) text = cp850(buf);
  else text = buf.toString("utf8");
  return text.replace(/\r\n?/g, "\n");
}

/** UTF-16BE as Node reads UTF-16LE: each pair swapped in a copy; an odd last byte is dropped, as for UTF-16LE. */
function utf16be(buf: Buffer): string {
  const swapped = Buffer.from(buf.subarray(0, buf.length - (buf.length % 2)));
  return swapped.swap16().toString("utf16le");
}

/**
 * Code page 850 (DOS Latin 1), bytes 0x80–0xFF; 0x00–0x7F are ASCII. The table of Windows' and iconv's cp850
 * (the tests compare all 256 bytes with iconv-lite), here so that the agent does not carry a library of 200 encodings
 * for one.
 */
const CP850_HIGH =
  "\u00c7\u00fc\u00e9\u00e2\u00e4\u00e0\u00e5\u00e7\u00ea\u00eb\u00e8\u00ef\u00ee\u00ec\u00c4\u00c5" +
  "\u00c9\u00e6\u00c6\u00f4\u00f6\u00f2\u00fb\u00f9\u00ff\u00d6\u00dc\u00f8\u00a3\u00d8\u00d7\u0192" +
  "\u00e1\u00ed\u00f3\u00fa\u00f1\u00d1\u00aa\u00ba\u00bf\u00ae\u00ac\u00bd\u00bc\u00a1\u00ab\u00bb" +
  "\u2591\u2592\u2593\u2502\u2524\u00c1\u00c2\u00c0\u00a9\u2563\u2551\u2557\u255d\u00a2\u00a5\u2510" +
  "\u2514\u2534\u252c\u251c\u2500\u253c\u00e3\u00c3\u255a\u2554\u2569\u2566\u2560\u2550\u256c\u00a4" +
  "\u00f0\u00d0\u00ca\u00cb\u00c8\u0131\u00cd\u00ce\u00cf\u2518\u250c\u2588\u2584\u00a6\u00cc\u2580" +
  "\u00d3\u00df\u00d4\u00d2\u00f5\u00d5\u00b5\u00fe\u00de\u00da\u00db\u00d9\u00fd\u00dd\u00af\u00b4" +
  "\u00ad\u00b1\u2017\u00be\u00b6\u00a7\u00f7\u00b8\u00b0\u00a8\u00b7\u00b9\u00b3\u00b2\u25a0\u00a0";

function cp850(buf: Buffer): string {
  // UTF-16 code units in one buffer, read as UTF-16LE: every platform the agent ships for is little-endian.
  const units = new Uint16Array(buf.length);
  for (let i = 0; i < buf.length; i++) {
    const byte = buf[i] as number;
    units[i] = byte < 0x80 ? byte : CP850_HIGH.charCodeAt(byte - 0x80);
  }
  return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString("utf16le");
}

/** BOM-less UTF-16LE: ASCII-heavy text has a NUL in most odd positions. */
function looksLikeUtf16le(buf: Buffer): boolean {
  if (buf.length < 4 || buf.length % 2 !== 0) return false;
  const sample = Math.min(buf.length, 512);
  let oddNuls = 0;
  let evenNuls = 0;
  for (let i = 0; i < sample; i += 2) {
    if (buf[i] === 0) evenNuls++;
    if (buf[i + 1] === 0) oddNuls++;
  }
  const pairs = sample / 2;
  return oddNuls / pairs > 0.4 && evenNuls / pairs < 0.1;
}

export function isValidUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

/** The first non-empty line of a message (a tool's error), trimmed and cut short, for a reason a person reads. */
export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((line) => line.trim())
      .find((line) => line !== "") ?? ""
  ).slice(0, 300);
}
