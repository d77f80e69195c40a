import { readdirSync } from "node:fs";
import fc from "fast-check";
import plist from "plist";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { FIXTURES_DIR, fixture, fixtureText } from "../../testing/fixtures.js";
import { decodePlist, expectDict, looksLikeXml, parseXmlPlist } from "./plist.js";
import { plistBoolean, plistNumber, plistString } from "./plist-value.js";

const SAFARI = "macos/info-plist/macos12.5-safari-15.6-info.plist";
const GARAGEBAND = "macos/info-plist/garageband-10.3.2-info-binary.plist";

describe("decodePlist", () => {
  it("sniffs XML and binary from the bytes: the Safari (XML) and GarageBand (binary) Info.plists", () => {
    const safari = expectDict(decodePlist(fixture(SAFARI), "Safari"), "Safari");
    const garageband = expectDict(decodePlist(fixture(GARAGEBAND), "GarageBand"), "GarageBand");
    expect(plistString(safari, "CFBundleIdentifier")).toBe("com.apple.Safari");
    expect(plistString(garageband, "CFBundleIdentifier")).toBe("com.apple.garageband10");
  });

  it.each([
    ["truncated XML", fixtureText(SAFARI).slice(0, 3000)],
    ["not XML at all", "garbage"],
    ["empty text", ""],
    ["XML that is not a plist", "<html><body/></html>"],
  ])("refuses %s with a ParseError", (_name, text) => {
    expect(() => parseXmlPlist(text, "x")).toThrow(ParseError);
  });

  it("tells an XML plist from JSON and system_profiler text", () => {
    expect(looksLikeXml(fixtureText(SAFARI))).toBe(true);
    expect(looksLikeXml('{ "SPUSBDataType": [] }')).toBe(false);
    expect(looksLikeXml("USB:\n\n    USB 3.1 Bus:\n")).toBe(false);
  });
});

/** Every XML plist the fixtures hold: plist files and command outputs recorded inside the demo bundles. */
function recordedXmlPlists(): [string, string][] {
  const found: [string, string][] = [];
  const isXmlPlist = (text: string): boolean => looksLikeXml(text) && text.includes("<plist");
  for (const entry of readdirSync(FIXTURES_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const rel = `${entry.parentPath.slice(FIXTURES_DIR.length)}/${entry.name}`.replace(/^\//, "");
    const text = fixtureText(rel);
    if (isXmlPlist(text)) found.push([rel, text]);
    else if (rel.startsWith("bundles/") && rel.endsWith(".json")) {
      const walk = (value: unknown, at: string): void => {
        if (typeof value === "string" && isXmlPlist(value)) found.push([`${rel} ${at}`, value]);
        else if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) walk(v, `${at}.${k}`);
      };
      walk(JSON.parse(text), "");
    }
  }
  return found;
}

describe("parseXmlPlist reads what the `plist` package (which it replaced) reads", () => {
  const recorded = recordedXmlPlists();

  it("finds the recorded plists (system_profiler, diskutil, Info.plist, defaults export, the demo bundle's)", () => {
    expect(recorded.length).toBeGreaterThanOrEqual(13);
  });

  it.each(recorded)("the same value from %s", (_where, text) => {
    expect(parseXmlPlist(text, "x")).toEqual(plist.parse(text));
  });

  it("the same value for any plist `plist.build` writes (property-based)", () => {
    const special = fc.constantFrom("<", ">", "&", "'", '"', "]]>", "\n", "\t", " ", "é", "😀");
    const xmlSafe = fc
      .string({ unit: fc.oneof(special, fc.string({ unit: "binary", minLength: 1, maxLength: 1 })) })
      .filter((s) => !/[\uFFFE\uFFFF]|\p{Cs}/u.test(s) && [...s].every((c) => (c.codePointAt(0) ?? 0) >= 0x20 || c === "\n" || c === "\t"));
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      any: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        xmlSafe,
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
        fc.boolean(),
        fc
          .date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
          .map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000)),
        fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
        fc.array(tie("any"), { maxLength: 4 }),
        fc
          .dictionary(
            xmlSafe.filter((k) => k !== "__proto__" && k.trim() === k && k !== ""),
            tie("any"),
            { maxKeys: 4 },
          )
          .map((d) => ({ ...d })),
      ),
    })).any;
    fc.assert(
      fc.property(value, (v) => {
        const text = plist.build(v as plist.PlistValue);
        expect(parseXmlPlist(text, "x")).toEqual(plist.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a "__proto__" key, as the `plist` package does (CVE-2022-22912)', () => {
    const text = "<plist><dict><key>__proto__</key><dict><key>polluted</key><true/></dict></dict></plist>";
    expect(() => plist.parse(text)).toThrow();
    expect(() => parseXmlPlist(text, "x")).toThrow(ParseError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ["an empty plist as an empty array", "<plist/>", []],
    ["several values as an array", "<plist><true/><string>a</string></plist>", [true, "a"]],
    [
      "a last key without a value as an empty string",
      "<plist><dict><key>a</key><integer>1</integer><key>b</key></dict></plist>",
      { a: 1, b: "" },
    ],
    ["<null/> in an array as left out", "<plist><array><null/><true/></array></plist>", [true]],
    ["data with line breaks in its base64", "<plist><data>\n  aGVs\n  bG8=\n</data></plist>", Buffer.from("hello")],
    ["CDATA in a string", "<plist><string><![CDATA[a<b]]>c</string></plist>", "a<bc"],
  ])("reads %s", (_name, text, expected) => {
    expect(parseXmlPlist(text, "x")).toEqual(expected);
  });

  it.each([
    ["a value where a key belongs", "<plist><dict><string>a</string></dict></plist>", "<string> where a <dict> needs a <key>"],
    ["two keys in a row", "<plist><dict><key>a</key><key>b</key></dict></plist>", 'key "b" where "a" needs a value'],
    ["an element that is no plist value", "<plist><object/></plist>", "<object> is not a plist value"],
    ["an empty integer", "<plist><integer/></plist>", "an empty <integer>"],
    ["another root", "<html><body/></html>", "the root element is <html>, not <plist>"],
  ])("refuses %s, saying so", (_name, text, reason) => {
    expect(() => parseXmlPlist(text, "src")).toThrow(reason);
  });
});

describe("plist accessors", () => {
  const dict = { a: " x ", n: "600", m: 3, yes: "YES", one: 1, no: false, empty: "" };
  it.each([
    ["a string is trimmed", () => plistString(dict, "a"), "x"],
    ["an empty string is absent", () => plistString(dict, "empty"), undefined],
    ["a numeric string is a number", () => plistNumber(dict, "n"), 600],
    ["a number stays a number", () => plistNumber(dict, "m"), 3],
    ["YES is true", () => plistBoolean(dict, "yes"), true],
    ["1 is true", () => plistBoolean(dict, "one"), true],
    ["false is false", () => plistBoolean(dict, "no"), false],
    ["an inherited key is absent", () => plistString(dict, "toString"), undefined],
  ])("%s", (_name, read, expected) => {
    expect(read()).toBe(expected);
  });
});
