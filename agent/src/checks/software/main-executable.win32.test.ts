import { describe, expect, it } from "vitest";
import { WIN32_AUTHENTICODE, authenticodeRuns, mainExecutable, psQuote } from "./main-executable.win32.js";

describe("mainExecutable", () => {
  it.each([
    [
      "DisplayIcon's .exe with an icon index",
      { displayIcon: "C:\\Program Files\\PuTTY\\putty.exe,0" },
      "C:\\Program Files\\PuTTY\\putty.exe",
    ],
    [
      "a quoted DisplayIcon with a negative index",
      { displayIcon: '"C:\\Program Files\\AnyDesk\\AnyDesk.exe",-101' },
      "C:\\Program Files\\AnyDesk\\AnyDesk.exe",
    ],
    ["a DisplayIcon quoted around the index", { displayIcon: '"C:\\Program Files\\Foo\\foo.exe,1"' }, "C:\\Program Files\\Foo\\foo.exe"],
    [
      "an expandable DisplayIcon (REG_EXPAND_SZ, as XP's KB2378111_WM9 has)",
      { displayIcon: '"%ProgramFiles%\\windows media player\\wmplayer.exe"' },
      "%ProgramFiles%\\windows media player\\wmplayer.exe",
    ],
    [
      "an .ico DisplayIcon: the quoted UninstallString instead",
      { displayIcon: "C:\\Program Files (x86)\\Nmap\\icon1.ico", uninstallString: '"C:\\Program Files (x86)\\Nmap\\uninstall.exe"' },
      "C:\\Program Files (x86)\\Nmap\\uninstall.exe",
    ],
    [
      "a DLL icon: the quoted setup.exe with its arguments",
      {
        displayIcon: "C:\\Program Files\\Common Files\\OSETUP.DLL,1",
        uninstallString: '"C:\\Program Files\\Common Files\\Office Setup Controller\\setup.exe" /uninstall PROPLUS /dll OSETUP.DLL',
      },
      "C:\\Program Files\\Common Files\\Office Setup Controller\\setup.exe",
    ],
    [
      "an unquoted UninstallString with arguments",
      { uninstallString: "C:\\WINDOWS\\system32\\adobe\\SHOCKW~1\\UNWISE.EXE C:\\WINDOWS\\system32\\Adobe\\SHOCKW~1\\Install.log" },
      "C:\\WINDOWS\\system32\\adobe\\SHOCKW~1\\UNWISE.EXE",
    ],
    [
      "an unquoted path with a space and a switch",
      { uninstallString: "C:\\Program Files\\ICEOWS\\Setup.exe /uninstall" },
      "C:\\Program Files\\ICEOWS\\Setup.exe",
    ],
    ["msiexec in the UninstallString", { uninstallString: "MsiExec.exe /X{12B6D916-FD64-471C-8EF7-C04443A75F8D}" }, undefined],
    [
      "msiexec as DisplayIcon and UninstallString",
      {
        displayIcon: "C:\\WINDOWS\\system32\\msiexec.exe",
        uninstallString: "C:\\WINDOWS\\system32\\MsiExec.exe /I{CE2CDD62-0124-36CA-84D3-9F4DCF5C5BD9}",
      },
      undefined,
    ],
    [
      "rundll32 with a full path",
      { uninstallString: "C:\\Windows\\System32\\rundll32.exe dfshim.dll,ShArpMaintain App.application" },
      undefined,
    ],
    ["a UNC path", { displayIcon: "\\\\server\\share\\tool.exe" }, undefined],
    ["a relative file name", { uninstallString: "uninst.exe /S" }, undefined],
    ["nothing but an icon file", { displayIcon: "C:\\Windows\\Installer\\{GUID}\\icon.ico" }, undefined],
    ["a path with a quote inside", { uninstallString: 'C:\\a"b\\x.exe' }, undefined],
  ])("%s", (_what, entry, file) => {
    expect(mainExecutable(entry)).toBe(file);
  });
});

describe("psQuote", () => {
  it.each([
    ["C:\\Program Files\\Nmap\\uninstall.exe", "'C:\\Program Files\\Nmap\\uninstall.exe'"],
    ["C:\\O'Brien\\x.exe", "'C:\\O''Brien\\x.exe'"],
    ["C:\\a\u2019; Remove-Item C:\\ -Recurse; \u2018\\x.exe", "'C:\\a\u2019\u2019; Remove-Item C:\\ -Recurse; \u2018\u2018\\x.exe'"],
    ["C:\\$(Stop-Computer)\\x.exe", "'C:\\$(Stop-Computer)\\x.exe'"],
  ])("%s stays one literal string: %s", (path, quoted) => {
    expect(psQuote(path)).toBe(quoted);
  });
});

describe("authenticodeRuns", () => {
  it("asks about every file in one run", () => {
    const runs = authenticodeRuns(["C:\\Program Files (x86)\\Nmap\\uninstall.exe", "C:\\Program Files\\PuTTY\\putty.exe"]);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.argv.slice(0, 4)).toEqual(WIN32_AUTHENTICODE.slice(0, 4));
    expect(runs[0]?.argv[4]).toContain(
      "Get-AuthenticodeSignature -LiteralPath @('C:\\Program Files (x86)\\Nmap\\uninstall.exe','C:\\Program Files\\PuTTY\\putty.exe' | ForEach-Object",
    );
    expect(runs[0]?.files).toHaveLength(2);
  });

  it("splits a list longer than a Windows command line allows, keeping every file once and in order", () => {
    const files = Array.from({ length: 600 }, (_, i) => `C:\\Program Files\\Vendor ${i}\\Some Product Name\\bin\\application-${i}.exe`);
    const runs = authenticodeRuns(files);
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.every((r) => r.argv.join(" ").length <= 32_000)).toBe(true);
    expect(runs.flatMap((r) => r.files)).toEqual(files);
  });

  it("runs nothing when there is no file", () => {
    expect(authenticodeRuns([])).toEqual([]);
  });
});
