import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { fixtureText } from "../../testing/fixtures.js";
import { parseOldStylePlist } from "./old-style-plist.js";

const BYHOST_PARTIAL = "macos/defaults-screensaver/macos10.13-read-byhost-screensaver-plist-idletime-600-partial.txt";

describe("parseOldStylePlist", () => {
  it("refuses the real macOS 10.13 ByHost dump, cut before its closing brace, as an unterminated dictionary", () => {
    expect(() => parseOldStylePlist(fixtureText(BYHOST_PARTIAL), "defaults read")).toThrow(/unterminated dictionary/);
  });

  it("reads idleTime 600, loginWindowIdleTime 0 and PrefsVersion 100 from that dump once it is closed", () => {
    expect(parseOldStylePlist(`${fixtureText(BYHOST_PARTIAL)}}\n`, "defaults read")).toEqual({
      PrefsVersion: "100",
      idleTime: "600",
      loginWindowIdleTime: "0",
    });
  });

  it.each([
    ["a bare scalar (defaults read DOMAIN KEY)", "600\n", "600"],
    ["a quoted string with escapes", '"a \\"b\\" \\U00e9\\n"', 'a "b" é\n'],
    ["an array", '(\n    1,\n    "two",\n)', ["1", "two"]],
    [
      "nested dictionaries",
      '{\n    moduleDict = {\n        moduleName = Flurry;\n        path = "/System/Library/Screen Savers/Flurry.saver";\n        type = 0;\n    };\n}',
      { moduleDict: { moduleName: "Flurry", path: "/System/Library/Screen Savers/Flurry.saver", type: "0" } },
    ],
    [
      "data as defaults prints it",
      "{\n    blob = {length = 8, bytes = 0x62706c69 73743030};\n}",
      { blob: { length: "8", bytes: "0x62706c69 73743030" } },
    ],
    ["comments", "/* c */ { a = 1; // d\n }", { a: "1" }],
  ])("reads %s", (_name, text, expected) => {
    expect(parseOldStylePlist(text, "x")).toEqual(expected);
  });

  it.each([
    ["empty output", ""],
    ["an unterminated string", '"abc'],
    ["a missing semicolon", "{ a = 1 b = 2; }"],
    ["trailing garbage", "{ a = 1; } }"],
    ["an unterminated array", "( 1, 2"],
  ])("refuses %s with a ParseError", (_name, text) => {
    expect(() => parseOldStylePlist(text, "x")).toThrow(ParseError);
  });

  it("never throws anything but a ParseError on arbitrary text", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("{", "}", "(", ")", "=", ";", ",", '"', "\\", "a", "1", " ", "\n", "<", ">", "/", "*") }),
        (text) => {
          try {
            parseOldStylePlist(text, "x");
          } catch (error) {
            expect(error).toBeInstanceOf(ParseError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
