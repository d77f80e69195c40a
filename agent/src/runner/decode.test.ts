import { describe, expect, it } from "vitest";
import iconv from "iconv-lite";
import { decodeText } from "./decode.js";

describe("decodeText", () => {
  it("reads UTF-16LE with a BOM and turns CRLF into LF (PowerShell and reg.exe output)", () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("ScreenSaveTimeOut    REG_SZ    900\r\n", "utf16le")]);
    expect(decodeText(bytes)).toBe("ScreenSaveTimeOut    REG_SZ    900\n");
  });

  it("detects UTF-16LE without a BOM", () => {
    expect(decodeText(Buffer.from("Name Version\r\nnmap 7.92\r\n", "utf16le"))).toBe("Name Version\nnmap 7.92\n");
  });

  it("strips a UTF-8 BOM and keeps non-ASCII text", () => {
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("canonical✓\n")]))).toBe("canonical✓\n");
  });

  it("falls back to the OEM code page only when the bytes are not UTF-8", () => {
    const cp850 = iconv.encode("Energiesparplan für Bildschirm\r\n", "cp850");
    expect(decodeText(cp850, { fallbackEncoding: "cp850" })).toBe("Energiesparplan für Bildschirm\n");
    expect(decodeText(Buffer.from("für"), { fallbackEncoding: "cp850" })).toBe("für");
  });

  it("reads every byte of code page 850 as iconv-lite does, and UTF-16 of any length as iconv-lite does", () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, b) => b));
    expect(decodeText(all, { fallbackEncoding: "cp850" })).toBe(iconv.decode(all, "cp850").replace(/\r\n?/g, "\n"));
    for (const bytes of [
      [0x41, 0x00, 0x42],
      [0x3d, 0xd8, 0x00, 0xde],
      [0x3d, 0xd8],
      [0xe9, 0x00, 0x0a, 0x20, 0x42],
    ]) {
      const le = Buffer.from([0xff, 0xfe, ...bytes]);
      expect(decodeText(le)).toBe(iconv.decode(le.subarray(2), "utf16le"));
      const swapped = bytes.map((_, i) => bytes[i % 2 === 0 ? i + 1 : i - 1] ?? 0x42);
      const be = Buffer.from([0xfe, 0xff, ...swapped]);
      expect(decodeText(be)).toBe(iconv.decode(be.subarray(2), "utf16be"));
    }
  });

  it("returns an empty string for empty output", () => {
    expect(decodeText(Buffer.alloc(0))).toBe("");
  });
});
