import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeWindowsOutput } from "../../../platform/win32/windows-text.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseUninstallEntries, unpackVersion } from "./reg-uninstall.js";

const REG_EXPORT = "windows/reg-uninstall/win7-x64-reg-export-uninstall-64bit-excerpt.reg.txt";
const PS_TABLE = "windows/ps-uninstall/en-winserver-select-displayname-version-table-excerpt.txt";
const REG_QUERY = "windows/reg-uninstall/win7-x64-uninstall-reg-query-s-layout-plus-nmap-7.94.derived.txt";
const DOTNET = { key: "Microsoft .NET Framework 4 Client Profile", displayName: "Microsoft .NET Framework 4 Client Profile", version: "4.0.30319" };

describe("parseUninstallEntries", () => {
  it("reads win7-x64-reg-export-uninstall-64bit-excerpt.reg.txt: keys without values and SystemComponent=1 are skipped, one program left", () => {
    expect(parseUninstallEntries(fixtureText(REG_EXPORT), REG_EXPORT)).toEqual([DOTNET]);
  });

  it("reads the export as reg export writes it (UTF-16LE, BOM, CRLF)", () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(fixtureText(REG_EXPORT).replace(/\n/g, "\r\n"), "utf16le")]);
    expect(parseUninstallEntries(decodeWindowsOutput(bytes), REG_EXPORT)).toEqual([DOTNET]);
  });

  it("reads the same keys in reg query /s layout, with Nmap added (win7-x64-uninstall-reg-query-s-layout-plus-nmap-7.94.derived.txt)", () => {
    expect(parseUninstallEntries(fixtureText(REG_QUERY), REG_QUERY)).toEqual([
      DOTNET,
      { key: "Nmap", displayName: "Nmap 7.94", version: "7.94", publisher: "Nmap Project" },
    ]);
  });

  it("reads en-winserver-select-displayname-version-table-excerpt.txt: 13 programs, blank rows skipped, packed Version unpacked", () => {
    const entries = parseUninstallEntries(fixtureText(PS_TABLE), PS_TABLE);
    expect(entries).toHaveLength(13);
    expect(entries.filter((e) => e.version === "").map((e) => e.displayName)).toEqual(["7-Zip 19.00 (x64)", "DiskMax 6.21", "Git"]);
    expect(entries).toContainEqual({ displayName: "Microsoft Visual C++ 2022 X64 Additional Runtime - 14.36.32532", version: "14.36.32532" });
    expect(entries).toContainEqual({ displayName: "VMware Tools", version: "12.3.5" });
  });

  it.each([
    [237272852, "14.36.32532"],
    [201523205, "12.3.5"],
    [16777216, "1.0.0"],
  ])("unpacks Version %i as %s", (packed, version) => {
    expect(unpackVersion(packed)).toBe(version);
  });

  it("reads Get-ItemProperty JSON: PSChildName is the key, ParentKeyName marks an update, indirect names use their fallback", () => {
    const json = JSON.stringify([
      { PSChildName: "NpcapInst", DisplayName: "Npcap", DisplayVersion: "1.75", Publisher: "Nmap Project" },
      { PSChildName: "KB2504637", DisplayName: "Update for Microsoft Office", ParentKeyName: "OFFICE14.PROPLUS" },
      { PSChildName: "Driver", DisplayName: "@oem38.inf,%NPF_Desc_Standard%;Npcap Packet Driver (NPCAP)", VersionMajor: 0, VersionMinor: 45 },
      { PSChildName: "Hidden", DisplayName: "Part of something", SystemComponent: 1 },
      { PSChildName: "Text", DisplayName: "Odd", Version: "2.1.3" },
    ]);
    expect(parseUninstallEntries(json, "x")).toEqual([
      { key: "NpcapInst", displayName: "Npcap", version: "1.75", publisher: "Nmap Project" },
      { key: "Driver", displayName: "Npcap Packet Driver (NPCAP)", version: "0.45" },
      { key: "Text", displayName: "Odd", version: "2.1.3" },
    ]);
  });

  it("reads empty output (an empty per-user key) as no programs", () => {
    expect(parseUninstallEntries("\r\n", "x")).toEqual([]);
  });

  it.each([
    ["keys that are not Uninstall keys", "\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\n    X    REG_SZ    y\n"],
    ["a reg query output cut inside a line after a blank", `${fixtureText(REG_QUERY).split("    DisplayName    REG_SZ    Nmap")[0]}\n    DisplayNa`],
    ["an error message", "ERROR: Invalid key name.\r\nType \"REG QUERY /?\" for usage.\r\n"],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parseUninstallEntries(text, "x")).toThrow(ParseError);
  });
});
