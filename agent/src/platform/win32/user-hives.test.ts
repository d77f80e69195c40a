import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { fakeRunner } from "../../testing/fake-runner.js";
import { fixtureText } from "../../testing/fixtures.js";
import { isUserSid, LOADED_HIVES_ARGV, parseLoadedUserHives, readLoadedUserHives } from "./user-hives.js";

describe("loaded user hives", () => {
  it("keeps people's SIDs and drops .DEFAULT, service accounts, service SIDs and _Classes hives (two-user-hives-service-sid-reg-query-layout.derived.txt)", () => {
    const text = fixtureText("windows/reg-hku/two-user-hives-service-sid-reg-query-layout.derived.txt");
    expect(parseLoadedUserHives(text, "reg query HKU")).toEqual(["S-1-5-21-0-0-0-1125", "S-1-5-21-0-0-0-1126"]);
  });

  it.each([
    ["S-1-5-21-3623811015-3361044348-30300820-1013", true],
    ["S-1-12-1-1234567890-1234567890-1234567890-1234567890", true],
    ["S-1-5-21-3623811015-3361044348-30300820-1013_Classes", false],
    ["S-1-5-18", false],
    ["S-1-5-80-0", false],
    [".DEFAULT", false],
  ])("%s is a user SID: %s", (sid, expected) => {
    expect(isUserSid(sid)).toBe(expected);
  });

  it("refuses an empty listing: HKEY_USERS always has hives", () => {
    expect(() => parseLoadedUserHives("\r\n", "reg query HKU")).toThrow(ParseError);
  });

  it("refuses keys that are not under HKEY_USERS", () => {
    expect(() => parseLoadedUserHives("\nHKEY_LOCAL_MACHINE\\SOFTWARE\n", "reg query HKU")).toThrow(/expected hives under HKEY_USERS/);
  });

  it("reads through the runner, and a failing listing is unavailable rather than empty", async () => {
    const ok = fakeRunner("win32", [
      { argv: LOADED_HIVES_ARGV, stdout: "\r\nHKEY_USERS\\.DEFAULT\r\nHKEY_USERS\\S-1-5-21-1-2-3-1001\r\n" },
    ]);
    await expect(readLoadedUserHives(ok)).resolves.toEqual(["S-1-5-21-1-2-3-1001"]);
    const failing = fakeRunner("win32", [{ argv: LOADED_HIVES_ARGV, exitCode: 1, stderr: "ERROR: Access is denied." }]);
    await expect(readLoadedUserHives(failing)).rejects.toThrow(/Access is denied/);
  });
});
