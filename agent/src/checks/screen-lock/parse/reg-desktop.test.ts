import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { parseRegQuery } from "../../../platform/win32/reg-query.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseScreenSaverSettings } from "./reg-desktop.js";

const read = (file: string) => parseScreenSaverSettings(parseRegQuery(fixtureText(file), file), file);

describe("parseScreenSaverSettings", () => {
  it('reads en-server-screensaverissecure-0.txt: REG_SZ "0" means no password on resume; nothing else is set', () => {
    expect(read("windows/reg-desktop/en-server-screensaverissecure-0.txt")).toEqual({ secure: false });
  });

  it('reads en-server-screensavetimeout-0-lowercase-name.txt: ScreenSaveTimeout (any case) "0" = no idle timeout', () => {
    expect(read("windows/reg-desktop/en-server-screensavetimeout-0-lowercase-name.txt")).toEqual({ timeoutSeconds: 0 });
  });

  it("reads a whole Desktop key under HKEY_USERS (hku-user-blank-saver-1200s-not-secure.derived.txt)", () => {
    expect(read("windows/reg-desktop/hku-user-blank-saver-1200s-not-secure.derived.txt")).toEqual({
      active: true,
      timeoutSeconds: 1200,
      secure: false,
      executable: "C:\\Windows\\system32\\scrnsave.scr",
    });
  });

  it("reads the Group Policy twin, whose path also ends in Control Panel\\Desktop, and DWORD-typed flags", () => {
    const text =
      "\nHKEY_USERS\\S-1-5-21-1-2-3-1001\\Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop\n    ScreenSaveActive    REG_SZ    1\n    ScreenSaverIsSecure    REG_DWORD    0x1\n    ScreenSaveTimeOut    REG_SZ    600\n    SCRNSAVE.EXE    REG_SZ    scrnsave.scr\n";
    expect(parseScreenSaverSettings(parseRegQuery(text, "x"), "x")).toEqual({
      active: true,
      secure: true,
      timeoutSeconds: 600,
      executable: "scrnsave.scr",
    });
  });

  it("reads no keys as nothing set", () => {
    expect(parseScreenSaverSettings([], "x")).toEqual({});
  });

  it.each([
    ["another key", "\nHKEY_CURRENT_USER\\Control Panel\\Mouse\n    DoubleClickSpeed    REG_SZ    500\n"],
    ["a flag that is not 0 or 1", "\nHKEY_CURRENT_USER\\Control Panel\\Desktop\n    ScreenSaverIsSecure    REG_SZ    yes\n"],
    ["a negative timeout", "\nHKEY_CURRENT_USER\\Control Panel\\Desktop\n    ScreenSaveTimeOut    REG_SZ    -5\n"],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parseScreenSaverSettings(parseRegQuery(text, "x"), "x")).toThrow(ParseError);
  });
});
