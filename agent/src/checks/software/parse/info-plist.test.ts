import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixture } from "../../../testing/fixtures.js";
import { parseInfoPlist } from "./info-plist.js";

describe("parseInfoPlist", () => {
  it.each([
    [
      "macos12.5-safari-15.6-info.plist",
      { bundleId: "com.apple.Safari", shortVersion: "15.6", bundleVersion: "17613.3.9.1.5", name: "Safari" },
    ],
    [
      "garageband-10.3.2-info-binary.plist",
      { bundleId: "com.apple.garageband10", shortVersion: "10.3.2", bundleVersion: "4980.96", name: "GarageBand" },
    ],
  ])("reads %s (XML or binary alike)", (file, expected) => {
    expect(parseInfoPlist(fixture(`macos/info-plist/${file}`), file)).toEqual(expected);
  });

  it.each([
    ["a truncated binary plist", fixture("macos/info-plist/garageband-10.3.2-info-binary.plist").subarray(0, 4000)],
    ["a truncated XML plist", fixture("macos/info-plist/macos12.5-safari-15.6-info.plist").subarray(0, 4000)],
    ["a plist whose top level is an array", Buffer.from('<?xml version="1.0"?><plist version="1.0"><array/></plist>')],
  ])("refuses %s with a ParseError", (_name, bytes) => {
    expect(() => parseInfoPlist(bytes, "Info.plist")).toThrow(ParseError);
  });
});
