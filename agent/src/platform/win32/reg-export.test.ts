import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { fixtureText } from "../../testing/fixtures.js";
import { looksLikeRegExport, parseRegExport } from "./reg-export.js";
import { regInteger, regKeyName, regValue } from "./reg-query.js";
import { decodeWindowsOutput } from "./windows-text.js";

const FILE = "windows/reg-uninstall/win7-x64-reg-export-uninstall-64bit-excerpt.reg.txt";

describe("parseRegExport", () => {
  it("reads win7-x64-reg-export-uninstall-64bit-excerpt.reg.txt: 11 keys, dwords as numbers, doubled backslashes undone", () => {
    const keys = parseRegExport(fixtureText(FILE), FILE);
    expect(keys).toHaveLength(11);
    expect(keys.filter((k) => k.values.length === 0).map(regKeyName)).toEqual([
      "Uninstall",
      "AddressBook",
      "DirectDrawEx",
      "DXM_Runtime",
      "Fontcore",
      "IE40",
      "IE4Data",
      "IE5BAKEX",
      "IEData",
    ]);
    const connectionManager = keys.find((k) => regKeyName(k) === "Connection Manager");
    expect(regInteger(regValue(connectionManager, "SystemComponent"), FILE)).toBe(1);
    const dotnet = keys.find((k) => regKeyName(k) === "Microsoft .NET Framework 4 Client Profile");
    expect(regValue(dotnet, "DisplayName")?.data).toBe("Microsoft .NET Framework 4 Client Profile");
    expect(regValue(dotnet, "DisplayVersion")?.data).toBe("4.0.30319");
    expect(regValue(dotnet, "DisplayIcon")?.data).toBe(
      "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\SetupCache\\Client\\DisplayIcon.ico",
    );
    expect(regInteger(regValue(dotnet, "EstimatedSize"), FILE)).toBe(39732);
  });

  it("reads the same file as reg export writes it: UTF-16LE with BOM and CRLF", () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(fixtureText(FILE).replace(/\n/g, "\r\n"), "utf16le")]);
    expect(parseRegExport(decodeWindowsOutput(bytes), FILE)).toEqual(parseRegExport(fixtureText(FILE), FILE));
  });

  it("decodes hex(2) expandable strings wrapped over continuation lines, and quotes inside strings", () => {
    const text = [
      "Windows Registry Editor Version 5.00",
      "",
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]",
      '"Quoted"="say \\"hi\\""',
      '"Path"=hex(2):25,00,53,00,79,00,73,00,74,00,65,00,6d,00,52,00,6f,00,6f,00,74,00,\\',
      "  25,00,00,00",
      '"Q"=hex(b):01,00,00,00,00,00,00,00',
      '@="default"',
    ].join("\n");
    const [key] = parseRegExport(text, "x.reg");
    expect(key?.values).toEqual([
      { name: "Quoted", type: "REG_SZ", data: 'say "hi"' },
      { name: "Path", type: "REG_EXPAND_SZ", data: "%SystemRoot%" },
      { name: "Q", type: "REG_QWORD", data: "0x1" },
      { name: "(Default)", type: "REG_SZ", data: "default" },
    ]);
  });

  it("reads a string with line breaks, written over several lines as reg export does (winxp-…-utf16le-trimmed.reg has one in Comments)", () => {
    const text = [
      "Windows Registry Editor Version 5.00",
      "",
      "[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]",
      '"Comments"="first line',
      'a \\"quoted\\" word,',
      'last."',
      '"After"="y"',
    ].join("\n");
    expect(parseRegExport(text, "x.reg")[0]?.values).toEqual([
      { name: "Comments", type: "REG_SZ", data: 'first line\na "quoted" word,\nlast.' },
      { name: "After", type: "REG_SZ", data: "y" },
    ]);
  });

  it("knows a .reg file by its first line", () => {
    expect(looksLikeRegExport(fixtureText(FILE))).toBe(true);
    expect(looksLikeRegExport("\nHKEY_LOCAL_MACHINE\\X\n")).toBe(false);
  });

  it.each([
    ["no header", "[HKEY_LOCAL_MACHINE\\X]\n"],
    ["a string cut short", `${fixtureText(FILE).split('"DisplayVersion"')[0]}"DisplayVersion"="4.0.30`],
    ["a value before any key", 'Windows Registry Editor Version 5.00\n\n"A"="b"\n'],
    ["a key deletion", "Windows Registry Editor Version 5.00\n\n[-HKEY_LOCAL_MACHINE\\X]\n"],
    ["reg query output", "REGEDIT4\n\nHKEY_LOCAL_MACHINE\\X\n    A    REG_SZ    b\n"],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parseRegExport(text, "x.reg")).toThrow(ParseError);
  });
});
