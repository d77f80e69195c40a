import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeText } from "../../../runner/decode.js";
import { expectRowsOrParseError } from "../../../testing/fuzz.js";
import { fixture } from "../../../testing/fixtures.js";
import { parseAptMarkNames } from "./apt-mark.js";

const SHOWMANUAL = "ubuntu-20.04-showmanual-linux-pattern-after-kde-update.txt";
const text = () => decodeText(fixture(`linux/apt-mark/${SHOWMANUAL}`));

describe("apt-mark showmanual parser", () => {
  it(`reads ${SHOWMANUAL}: seven names, no versions`, () => {
    expect(parseAptMarkNames(text())).toEqual([
      "linux-base",
      "linux-generic",
      "linux-headers-5.4.0-64",
      "linux-headers-5.4.0-64-generic",
      "linux-image-5.4.0-64-generic",
      "linux-modules-5.4.0-64-generic",
      "linux-modules-extra-5.4.0-64-generic",
    ]);
  });

  it("keeps the architecture of a foreign-architecture package", () => {
    expect(parseAptMarkNames("libc6:i386\nsteam-launcher\n")).toEqual(["libc6:i386", "steam-launcher"]);
  });

  it("throws a ParseError on a line that is not a package name", () => {
    expect(() => parseAptMarkNames("E: Could not open lock file /var/lib/dpkg/lock\n")).toThrow(ParseError);
  });

  it("returns rows or throws a ParseError, nothing else, on truncated and garbled input", () => {
    expectRowsOrParseError(parseAptMarkNames, [text()]);
  });
});
