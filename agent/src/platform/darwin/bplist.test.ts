import bplistParser from "bplist-parser";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { fixture } from "../../testing/fixtures.js";
import { decodeBinaryPlist, isBinaryPlist } from "./bplist.js";
import { isPlistDict } from "./plist-value.js";

const GARAGEBAND = "macos/info-plist/garageband-10.3.2-info-binary.plist";

describe("decodeBinaryPlist", () => {
  it("decodes the real GarageBand Info.plist (bplist00) to the same tree bplist-parser reads", () => {
    const bytes = fixture(GARAGEBAND);
    expect(isBinaryPlist(bytes)).toBe(true);
    const ours = decodeBinaryPlist(bytes, "Info.plist");
    const theirs = (bplistParser.parseBuffer(bytes) as unknown[])[0];
    expect(JSON.parse(JSON.stringify(ours))).toEqual(JSON.parse(JSON.stringify(theirs)));
    expect(isPlistDict(ours) && ours.CFBundleIdentifier).toBe("com.apple.garageband10");
  });

  it.each([
    ["empty input", Buffer.alloc(0)],
    ["the magic alone", Buffer.from("bplist00")],
    ["an XML plist", Buffer.from('<?xml version="1.0"?><plist><dict/></plist>'.padEnd(80, " "))],
    ["a newer format version", Buffer.concat([Buffer.from("bplist15"), Buffer.alloc(40)])],
    ["a zeroed trailer", Buffer.concat([Buffer.from("bplist00"), Buffer.alloc(40)])],
  ])("refuses %s with a ParseError", (_name, bytes) => {
    expect(() => decodeBinaryPlist(bytes, "x.plist")).toThrow(ParseError);
  });

  it("refuses every truncation of a real file with a ParseError, never a partial tree", () => {
    const bytes = fixture(GARAGEBAND);
    for (let cut = 0; cut < bytes.length; cut += 97) {
      expect(() => decodeBinaryPlist(bytes.subarray(0, cut), "x.plist")).toThrow(ParseError);
    }
    expect(() => decodeBinaryPlist(bytes.subarray(0, bytes.length - 1), "x.plist")).toThrow(ParseError);
  });

  it("answers corrupted bytes with a value or a ParseError, never another exception", () => {
    const original = fixture(GARAGEBAND);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (edits) => {
          const bytes = Buffer.from(original);
          for (const [at, value] of edits) bytes[at] = value;
          try {
            decodeBinaryPlist(bytes, "x.plist");
          } catch (error) {
            expect(error).toBeInstanceOf(ParseError);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("refuses an object graph that contains itself", () => {
    // bplist00, one array (0xA1) whose only element is object 0 itself; 1-byte offsets and refs.
    const body = Buffer.from([0xa1, 0x00]);
    const table = Buffer.from([8]);
    const trailer = Buffer.alloc(32);
    trailer[6] = 1;
    trailer[7] = 1;
    trailer.writeBigUInt64BE(1n, 8);
    trailer.writeBigUInt64BE(0n, 16);
    trailer.writeBigUInt64BE(BigInt(8 + body.length), 24);
    const bytes = Buffer.concat([Buffer.from("bplist00"), body, table, trailer]);
    expect(() => decodeBinaryPlist(bytes, "loop.plist")).toThrow(/contains itself/);
  });
});
