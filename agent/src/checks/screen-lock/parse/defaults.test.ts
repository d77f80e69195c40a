import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseDefaultsRead } from "./defaults.js";
import { screensaverSettings } from "./defaults-screensaver.js";

const DIR = "macos/defaults-screensaver";

describe("parseDefaultsRead", () => {
  it("reads the missing idleTime key on macOS 26.5 (two-line stderr, empty stdout) as unset, not as 0", () => {
    const read = parseDefaultsRead("", fixtureText(`${DIR}/macos26.5-macbookair-currenthost-idletime-unset-stderr.txt`), "defaults");
    expect(read).toEqual({ kind: "unset", message: "The domain/default pair of (com.apple.screensaver, idleTime) does not exist" });
  });

  it("reads a missing domain (macOS 12.5 M1, WebViewScreensaver) as unset too", () => {
    const read = parseDefaultsRead("", fixtureText(`${DIR}/macos12.5-m1-currenthost-read-missing-domain-stderr.txt`), "defaults");
    expect(read).toEqual({ kind: "unset", message: "Domain WebViewScreensaver does not exist" });
  });

  it("refuses the macOS 10.13 ByHost dump that the source cut before its closing brace", () => {
    expect(() =>
      parseDefaultsRead(fixtureText(`${DIR}/macos10.13-read-byhost-screensaver-plist-idletime-600-partial.txt`), "", "defaults"),
    ).toThrow(ParseError);
  });

  it("reads idleTime 600 from the same dump when it is whole", () => {
    const read = parseDefaultsRead(
      `${fixtureText(`${DIR}/macos10.13-read-byhost-screensaver-plist-idletime-600-partial.txt`)}}\n`,
      "",
      "defaults",
    );
    expect(read.kind === "value" && screensaverSettings(read.value)).toEqual({ idleTime: 600 });
  });

  it("reads a single value (defaults read DOMAIN KEY prints just the number)", () => {
    expect(parseDefaultsRead("300\n", "", "defaults")).toEqual({ kind: "value", value: "300" });
  });

  it.each([
    ["no output at all", "", ""],
    ["an unrelated error", "", "2026-01-01 00:00:00.000 defaults[1:2] Could not write domain\n"],
  ])("refuses %s", (_name, stdout, stderr) => {
    expect(() => parseDefaultsRead(stdout, stderr, "defaults")).toThrow(ParseError);
  });
});

describe("screensaverSettings", () => {
  it.each([
    [
      "numbers from a managed plist",
      { idleTime: 300, askForPassword: true, askForPasswordDelay: 5 },
      { idleTime: 300, askForPassword: true, askForPasswordDelay: 5 },
    ],
    ["numeric strings from defaults", { idleTime: "600", askForPassword: "1" }, { idleTime: 600, askForPassword: true }],
    ["askForPassword 0", { askForPassword: 0 }, { askForPassword: false }],
    ["unrelated or mistyped keys", { idleTime: "soon", moduleDict: {} }, {}],
    ["a value that is not a dictionary", "600", {}],
  ])("keeps only well-typed keys: %s", (_name, value, expected) => {
    expect(screensaverSettings(value)).toEqual(expected);
  });
});
