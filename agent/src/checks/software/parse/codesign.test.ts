import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseCodesignDisplay } from "./codesign.js";

describe("parseCodesignDisplay", () => {
  it("google-chrome-2024-codesign-dvv-notarized.txt: identifier, the Authority chain leaf first, team EQHXZ8M8AV", () => {
    expect(parseCodesignDisplay(fixtureText("macos/codesign/google-chrome-2024-codesign-dvv-notarized.txt"), "codesign -dvv")).toEqual({
      signed: true,
      identifier: "com.google.Chrome",
      teamId: "EQHXZ8M8AV",
      authorities: ["Developer ID Application: Google LLC (EQHXZ8M8AV)", "Developer ID Certification Authority", "Apple Root CA"],
    });
  });

  it("yubiswitch-2015-codesign-dv-no-authority-lines.txt: one -v prints no Authority lines, only the team id T8ZNNBVE9Z", () => {
    expect(parseCodesignDisplay(fixtureText("macos/codesign/yubiswitch-2015-codesign-dv-no-authority-lines.txt"), "codesign -dv")).toEqual({
      signed: true,
      identifier: "com.pallotron.yubiswitch",
      teamId: "T8ZNNBVE9Z",
      authorities: [],
    });
  });

  it("takes TeamIdentifier=not set as no team", () => {
    const text = fixtureText("macos/codesign/yubiswitch-2015-codesign-dv-no-authority-lines.txt").replace(
      "TeamIdentifier=T8ZNNBVE9Z",
      "TeamIdentifier=not set",
    );
    expect(parseCodesignDisplay(text, "codesign -dv").teamId).toBeUndefined();
  });

  it("answers an unsigned bundle as unsigned", () => {
    expect(parseCodesignDisplay("/Applications/Tool.app: code object is not signed at all\n", "codesign -dv")).toEqual({
      signed: false,
      authorities: [],
    });
  });

  it.each([
    ["no output", ""],
    ["another tool's error", "codesign: illegal option -- x\n"],
    ["a team id that is not one", "Executable=/x\nIdentifier=x\nTeamIdentifier=<script>\n"],
  ])("refuses %s with a ParseError", (_name, text) => {
    expect(() => parseCodesignDisplay(text, "codesign -dv")).toThrow(ParseError);
  });
});
