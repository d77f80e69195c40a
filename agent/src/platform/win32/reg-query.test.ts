import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { fixture, fixtureText } from "../../testing/fixtures.js";
import { parseRegQuery, regFlag, regInteger, regKeyName, regString, regValue } from "./reg-query.js";
import { decodeWindowsOutput } from "./windows-text.js";

const SOURCE = "reg query test";

describe("parseRegQuery on recorded reg.exe output", () => {
  it('reads en-server-screensaverissecure-0.txt: one key, ScreenSaverIsSecure REG_SZ "0"', () => {
    const keys = parseRegQuery(fixtureText("windows/reg-desktop/en-server-screensaverissecure-0.txt"), SOURCE);
    expect(keys).toEqual([
      { path: "HKEY_CURRENT_USER\\Control Panel\\Desktop", values: [{ name: "ScreenSaverIsSecure", type: "REG_SZ", data: "0" }] },
    ]);
    expect(regFlag(regValue(keys[0], "screensaverissecure"), SOURCE)).toBe(false);
  });

  it("reads en-server-screensavetimeout-0-lowercase-name.txt: the value is found whatever the case of its name", () => {
    const [key] = parseRegQuery(fixtureText("windows/reg-desktop/en-server-screensavetimeout-0-lowercase-name.txt"), SOURCE);
    expect(regValue(key, "ScreenSaveTimeOut")?.name).toBe("ScreenSaveTimeout");
    expect(regInteger(regValue(key, "ScreenSaveTimeOut"), SOURCE)).toBe(0);
  });

  it("reads a whole-key listing with subkeys, empty data and DWORDs (derived from the real Desktop key layout)", () => {
    const keys = parseRegQuery(fixtureText("windows/reg-volatile-environment/demo-user-console-session.derived.txt"), SOURCE);
    expect(keys.map((k) => regKeyName(k))).toEqual(["Volatile Environment", "1"]);
    expect(regString(regValue(keys[0], "USERNAME"))).toBe("demo.user");
    expect(regString(regValue(keys[0], "LOGONSERVER"))).toBe("\\\\DEMO-DC");
  });
});

describe("parseRegQuery formats it meets in the wild", () => {
  const text =
    "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\X\r\n    Empty    REG_SZ    \r\n    Flags    REG_DWORD    0x1f\r\n    Multi    REG_MULTI_SZ    a\\0b\r\n    (Default)    REG_SZ    with    four spaces\r\n";

  it("decodes UTF-16LE with a BOM and CRLF the same as UTF-8", () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, "utf16le")]);
    const keys = parseRegQuery(decodeWindowsOutput(utf16), SOURCE);
    expect(keys).toEqual(parseRegQuery(decodeWindowsOutput(Buffer.from(text)), SOURCE));
    expect(keys[0]?.values).toEqual([
      { name: "Empty", type: "REG_SZ", data: "" },
      { name: "Flags", type: "REG_DWORD", data: "0x1f" },
      { name: "Multi", type: "REG_MULTI_SZ", data: "a\\0b" },
      { name: "(Default)", type: "REG_SZ", data: "with    four spaces" },
    ]);
    expect(regInteger(regValue(keys[0], "flags"), SOURCE)).toBe(31);
  });

  it("decodes reg.exe's OEM code page (cp850) into the right letters", () => {
    const oem = iconv.encode(
      "\r\nHKEY_USERS\\S-1-5-21-1-2-3-1001\\Volatile Environment\r\n    USERNAME    REG_SZ    jürgen.müller\r\n",
      "cp850",
    );
    const [key] = parseRegQuery(decodeWindowsOutput(oem), SOURCE);
    expect(regString(regValue(key, "USERNAME"))).toBe("jürgen.müller");
  });

  it("reads a copy whose spacing was collapsed", () => {
    const [key] = parseRegQuery("HKEY_CURRENT_USER\\Control Panel\\Desktop\nScreenSaveActive REG_SZ 1\n", SOURCE);
    expect(regValue(key, "ScreenSaveActive")?.data).toBe("1");
  });

  it("ignores the /f summary line and keeps a string's line break", () => {
    const keys = parseRegQuery(
      "\nHKEY_LOCAL_MACHINE\\A\n    Comments    REG_SZ    first line\nsecond line\n\nEnd of search: 1 match(es) found.\n",
      SOURCE,
    );
    expect(regString(regValue(keys[0], "Comments"))).toBe("first line\nsecond line");
  });

  it("reads empty output (a key with no values and no subkeys) as no keys", () => {
    expect(parseRegQuery("\r\n", SOURCE)).toEqual([]);
  });
});

describe("parseRegQuery rejects what is not reg.exe output", () => {
  it.each([
    ["an error message on stdout", "\nERROR: The system was unable to find the specified registry key or value.\n"],
    ["a value before any key", "    ScreenSaveActive    REG_SZ    1\n"],
    [
      "a line cut in the middle after a blank line",
      "\nHKEY_CURRENT_USER\\Control Panel\\Desktop\n    ScreenSaveActive    REG_SZ    1\n\n    ScreenSaveTi",
    ],
    ["PowerShell Format-List", "\nScreenSaveActive : 1\n"],
    ["binary garbage", "\u0000\u0001\u0002\u0003"],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parseRegQuery(text, SOURCE)).toThrow(ParseError);
  });

  it("names the source and the line in the error", () => {
    expect(() => parseRegQuery("garbage\n", "reg query HKU")).toThrow(/cannot parse reg query HKU: line 1/);
  });

  it("refuses a number that is not one", () => {
    const [key] = parseRegQuery("HKEY_CURRENT_USER\\Control Panel\\Desktop\n    ScreenSaveTimeOut    REG_SZ    ten minutes\n", SOURCE);
    expect(() => regInteger(regValue(key, "ScreenSaveTimeOut"), SOURCE)).toThrow(ParseError);
    expect(() => regFlag({ name: "ScreenSaveActive", type: "REG_SZ", data: "2" }, SOURCE)).toThrow(/expected 0 or 1/);
  });

  it("is total: random bytes give keys or a ParseError, never another exception", () => {
    const samples = [
      fixture("windows/reg-desktop/en-server-screensaverissecure-0.txt"),
      Buffer.from([0xff, 0xfe, 0x41, 0x00, 0x0a]),
      Buffer.alloc(64, 0xa7),
    ];
    for (const bytes of samples) {
      for (let cut = 0; cut <= bytes.length; cut += 3) {
        try {
          parseRegQuery(decodeWindowsOutput(bytes.subarray(0, cut)), SOURCE);
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }
    }
  });
});
