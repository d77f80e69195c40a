// Turns command and file bytes into text once, at the parser's edge: BOMs, UTF-16, OEM code pages, CRLF.
import iconv from "iconv-lite";

export interface DecodeOptions {
  /** Code page to use when the bytes are not UTF-8 or UTF-16 (reg.exe writes the OEM code page, e.g. cp850). */
  fallbackEncoding?: string;
}

/** Decodes bytes to text with `\n` line ends: honours a BOM, detects BOM-less UTF-16LE, else UTF-8 (or the fallback). */
export function decodeText(bytes: Buffer | Uint8Array, options: DecodeOptions = {}): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  let text: string;
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) text = buf.subarray(3).toString("utf8");
  else if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) text = iconv.decode(buf.subarray(2), "utf16le");
  else if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) text = iconv.decode(buf.subarray(2), "utf16be");
  else if (looksLikeUtf16le(buf)) text = iconv.decode(buf, "utf16le");
  else if (options.fallbackEncoding !== undefined && !isValidUtf8(buf)) text = iconv.decode(buf, options.fallbackEncoding);
  else text = buf.toString("utf8");
  return text.replace(/\r\n?/g, "\n");
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
