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

  it("returns an empty string for empty output", () => {
    expect(decodeText(Buffer.alloc(0))).toBe("");
  });
});
