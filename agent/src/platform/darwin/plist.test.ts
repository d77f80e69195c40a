import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { fixture, fixtureText } from "../../testing/fixtures.js";
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
