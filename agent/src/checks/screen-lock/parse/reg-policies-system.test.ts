import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseInactivityTimeout } from "./reg-policies-system.js";

describe("parseInactivityTimeout", () => {
  it("finds no InactivityTimeoutSecs in ps-getitemproperty-win10-ent-21h2-excerpt.txt (Format-List): not set in this input", () => {
    expect(
      parseInactivityTimeout(fixtureText("windows/reg-policies-system/ps-getitemproperty-win10-ent-21h2-excerpt.txt"), "x"),
    ).toBeUndefined();
  });

  it("finds none in the same values in reg query layout (win10-ent-21h2-values-in-reg-query-layout.derived.txt)", () => {
    expect(
      parseInactivityTimeout(fixtureText("windows/reg-policies-system/win10-ent-21h2-values-in-reg-query-layout.derived.txt"), "x"),
    ).toBeUndefined();
  });

  it.each([
    [
      "reg query",
      `${fixtureText("windows/reg-policies-system/win10-ent-21h2-values-in-reg-query-layout.derived.txt")}    InactivityTimeoutSecs    REG_DWORD    0x384\n`,
      900,
    ],
    [
      "Format-List",
      `${fixtureText("windows/reg-policies-system/ps-getitemproperty-win10-ent-21h2-excerpt.txt")}InactivityTimeoutSecs         : 600\n`,
      600,
    ],
    ["ConvertTo-Json", '{"EnableLUA":0,"InactivityTimeoutSecs":300}', 300],
    [
      "a zero (disabled)",
      "\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\n    InactivityTimeoutSecs    REG_DWORD    0x0\n",
      undefined,
    ],
  ])("reads the value from %s", (_format, text, expected) => {
    expect(parseInactivityTimeout(text, "x")).toBe(expected);
  });

  it.each([
    ["garbage", "Zugriff verweigert"],
    ["a value that is not a number", "InactivityTimeoutSecs : soon\n"],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parseInactivityTimeout(text, "x")).toThrow(ParseError);
  });
});
