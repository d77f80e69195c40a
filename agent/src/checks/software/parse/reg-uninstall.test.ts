import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeWindowsOutput } from "../../../platform/win32/windows-text.js";
import { fixture, fixtureText } from "../../../testing/fixtures.js";
import { isComponentEntry, parseUninstallEntries, unpackVersion } from "./reg-uninstall.js";

const REG_EXPORT = "windows/reg-uninstall/win7-x64-reg-export-uninstall-64bit-excerpt.reg.txt";
const PS_TABLE = "windows/ps-uninstall/en-winserver-select-displayname-version-table-excerpt.txt";
const REG_QUERY = "windows/reg-uninstall/win7-x64-uninstall-reg-query-s-layout-plus-nmap-7.94.derived.txt";
const XP = "windows/reg-uninstall/winxp-reg-export-uninstall-hotfix-parentkeyname-systemcomponent-utf16le-trimmed.reg";
const WINAPPDRIVER = "windows/reg-uninstall/reg-query-uninstall-s-winappdriver-dotnet-host-systemcomponent.txt";
const DOTNET = {
  key: "Microsoft .NET Framework 4 Client Profile",
  displayName: "Microsoft .NET Framework 4 Client Profile",
  version: "4.0.30319",
  systemComponent: false,
  windowsInstaller: false,
  displayIcon: "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\SetupCache\\Client\\DisplayIcon.ico",
};
const flags = { systemComponent: false, windowsInstaller: false };

describe("parseUninstallEntries", () => {
  it("reads win7-x64-reg-export-uninstall-64bit-excerpt.reg.txt: keys without DisplayName (values or not, Connection Manager's SystemComponent=1) are skipped, one program left", () => {
    expect(parseUninstallEntries(fixtureText(REG_EXPORT), REG_EXPORT)).toEqual([DOTNET]);
  });

  it("reads the export as reg export writes it (UTF-16LE, BOM, CRLF)", () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(fixtureText(REG_EXPORT).replace(/\n/g, "\r\n"), "utf16le")]);
    expect(parseUninstallEntries(decodeWindowsOutput(bytes), REG_EXPORT)).toEqual([DOTNET]);
  });

  it("reads the same keys in reg query /s layout, with Nmap added (win7-x64-uninstall-reg-query-s-layout-plus-nmap-7.94.derived.txt)", () => {
    expect(parseUninstallEntries(fixtureText(REG_QUERY), REG_QUERY)).toEqual([
      DOTNET,
      {
        key: "Nmap",
        displayName: "Nmap 7.94",
        version: "7.94",
        publisher: "Nmap Project",
        ...flags,
        uninstallString: '"C:\\Program Files (x86)\\Nmap\\uninstall.exe"',
        displayIcon: "C:\\Program Files (x86)\\Nmap\\icon1.ico",
      },
    ]);
  });

  it("reads en-winserver-select-displayname-version-table-excerpt.txt: 13 programs, blank rows skipped, packed Version unpacked", () => {
    const entries = parseUninstallEntries(fixtureText(PS_TABLE), PS_TABLE);
    expect(entries).toHaveLength(13);
    expect(entries.filter((e) => e.version === "").map((e) => e.displayName)).toEqual(["7-Zip 19.00 (x64)", "DiskMax 6.21", "Git"]);
    expect(entries).toContainEqual({
      displayName: "Microsoft Visual C++ 2022 X64 Additional Runtime - 14.36.32532",
      version: "14.36.32532",
      ...flags,
    });
    expect(entries).toContainEqual({ displayName: "VMware Tools", version: "12.3.5", ...flags });
  });

  it.each([
    [237272852, "14.36.32532"],
    [201523205, "12.3.5"],
    [16777216, "1.0.0"],
  ])("unpacks Version %i as %s", (packed, version) => {
    expect(unpackVersion(packed)).toBe(version);
  });

  it("reads Get-ItemProperty JSON: PSChildName is the key, hidden entries and updates kept with their flags, indirect names use their fallback", () => {
    const json = JSON.stringify([
      {
        PSChildName: "NpcapInst",
        DisplayName: "Npcap",
        DisplayVersion: "1.75",
        Publisher: "Nmap Project",
        UninstallString: "C:\\Program Files\\Npcap\\Uninstall.exe",
      },
      { PSChildName: "KB2504637", DisplayName: "Update for Microsoft Office", ParentKeyName: "OFFICE14.PROPLUS", ReleaseType: "Update" },
      {
        PSChildName: "Driver",
        DisplayName: "@oem38.inf,%NPF_Desc_Standard%;Npcap Packet Driver (NPCAP)",
        VersionMajor: 0,
        VersionMinor: 45,
      },
      { PSChildName: "Hidden", DisplayName: "Part of something", SystemComponent: 1, WindowsInstaller: 1 },
      { PSChildName: "Text", DisplayName: "Odd", Version: "2.1.3", SystemComponent: "1" },
    ]);
    expect(parseUninstallEntries(json, "x")).toEqual([
      {
        key: "NpcapInst",
        displayName: "Npcap",
        version: "1.75",
        publisher: "Nmap Project",
        uninstallString: "C:\\Program Files\\Npcap\\Uninstall.exe",
        ...flags,
      },
      {
        key: "KB2504637",
        displayName: "Update for Microsoft Office",
        version: "",
        parentKeyName: "OFFICE14.PROPLUS",
        releaseType: "Update",
        ...flags,
      },
      { key: "Driver", displayName: "Npcap Packet Driver (NPCAP)", version: "0.45", ...flags },
      { key: "Hidden", displayName: "Part of something", version: "", systemComponent: true, windowsInstaller: true },
      // JSON keeps the registry type: the text "1" is a REG_SZ, which hides nothing.
      { key: "Text", displayName: "Odd", version: "2.1.3", ...flags },
    ]);
  });

  it("reads reg-query-uninstall-s-winappdriver-dotnet-host-systemcomponent.txt: two MSI products, both SystemComponent 0x1, kept as components", () => {
    const entries = parseUninstallEntries(fixtureText(WINAPPDRIVER), WINAPPDRIVER);
    expect(entries).toEqual([
      {
        key: "{12B6D916-FD64-471C-8EF7-C04443A75F8D}",
        displayName: "Microsoft .NET Host - 5.0.7 (x64)",
        version: "40.28.30105",
        publisher: "Microsoft Corporation",
        systemComponent: true,
        windowsInstaller: true,
        uninstallString: "MsiExec.exe /X{12B6D916-FD64-471C-8EF7-C04443A75F8D}",
      },
      {
        key: "{29DA7679-80B6-452A-B264-349BAEE7CC0E}",
        displayName: "Windows Application Driver",
        version: "1.2.99.0",
        publisher: "Microsoft Corporation",
        systemComponent: true,
        windowsInstaller: true,
        uninstallString: "MsiExec.exe /I{29DA7679-80B6-452A-B264-349BAEE7CC0E}",
      },
    ]);
    expect(entries.every(isComponentEntry)).toBe(true);
  });

  describe("winxp-reg-export-uninstall-hotfix-parentkeyname-systemcomponent-utf16le-trimmed.reg (UTF-16LE, 173 keys)", () => {
    const entries = parseUninstallEntries(decodeWindowsOutput(fixture(XP)), XP);
    const byKey = (key: string) => entries.find((e) => e.key === key);

    it("keeps the 113 keys with a DisplayName: 46 programs and 67 hidden entries or updates", () => {
      expect(entries).toHaveLength(113);
      expect(entries.filter((e) => !isComponentEntry(e))).toHaveLength(46);
      expect(entries.filter(isComponentEntry)).toHaveLength(67);
    });

    it("flags the 58 ParentKeyName updates with their ReleaseType, and the 21 WindowsInstaller products", () => {
      expect(entries.filter((e) => e.parentKeyName !== undefined)).toHaveLength(58);
      expect(new Set(entries.map((e) => e.releaseType))).toEqual(new Set([undefined, "Security Update", "Update", "Hotfix", "HotFix"]));
      expect(entries.filter((e) => e.windowsInstaller)).toHaveLength(21);
      expect(byKey("KB2079403")).toMatchObject({
        displayName: "Security Update for Windows XP (KB2079403)",
        parentKeyName: "OperatingSystem",
        releaseType: "Security Update",
      });
    });

    it("hides only DWORD SystemComponent=1: Office14.PROPLUS's empty string leaves it a program", () => {
      expect(byKey("Office14.PROPLUS")).toMatchObject({
        displayName: "Microsoft Office Professional Plus 2010",
        version: "14.0.6029.1000",
        systemComponent: false,
      });
      expect(isComponentEntry(byKey("Office14.PROPLUS") as never)).toBe(false);
      expect(byKey("{5B21BB9A-E23E-472b-AD2A-FB9B06A4727C}")).toMatchObject({ displayName: "Network Console", systemComponent: true });
      expect(byKey("{3C3901C5-3455-3E0A-A214-0B093A5070A6}")).toMatchObject({
        displayName: "Microsoft .NET Framework 4 Client Profile",
        systemComponent: true,
      });
    });

    it("reads the programs a person sees, with DisplayIcon, UninstallString and InstallLocation", () => {
      const visible = entries.filter((e) => !isComponentEntry(e)).map((e) => `${e.displayName} ${e.version}`);
      expect(visible).toEqual(
        expect.arrayContaining([
          "PuTTY version 0.58 0.58",
          "WinSCP 4.0.7 4.0.7",
          "OSSEC HIDS 2.5.1 2.5.1",
          "Java(TM) 6 Update 31 6.0.310",
          "Mozilla Firefox 10.0.2 (x86 en-US) 10.0.2",
          "Opera 11.52 11.52.1100",
        ]),
      );
      expect(byKey("PuTTY_is1")).toMatchObject({ publisher: "Simon Tatham", displayIcon: "C:\\Program Files\\PuTTY\\putty.exe" });
      expect(byKey("CCleaner")).toMatchObject({
        displayName: "CCleaner (remove only)",
        uninstallString: '"C:\\Program Files\\CCleaner\\uninst.exe"',
      });
      expect(byKey("Office14.PROPLUS")?.installLocation).toBe("C:\\Program Files\\Microsoft Office\\");
    });

    it("reads a Comments string that runs over several lines as reg export writes it", () => {
      expect(byKey("{0A0CADCF-78DA-33C4-A350-CD51849B9702}.KB2416472")).toMatchObject({
        displayName: "Security Update for Microsoft .NET Framework 4 Extended (KB2416472)",
        releaseType: "Security Update",
      });
    });
  });

  it("reads empty output (an empty per-user key) as no programs", () => {
    expect(parseUninstallEntries("\r\n", "x")).toEqual([]);
  });

  it.each([
    ["keys that are not Uninstall keys", "\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\n    X    REG_SZ    y\n"],
    [
      "a reg query output cut inside a line after a blank",
      `${fixtureText(REG_QUERY).split("    DisplayName    REG_SZ    Nmap")[0]}\n    DisplayNa`,
    ],
    ["an error message", 'ERROR: Invalid key name.\r\nType "REG QUERY /?" for usage.\r\n'],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parseUninstallEntries(text, "x")).toThrow(ParseError);
  });
});
