import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { LOADED_HIVES_ARGV } from "../../platform/win32/user-hives.js";
import { fakeRunner, type FakeCommand } from "../../testing/fake-runner.js";
import { fixtureText } from "../../testing/fixtures.js";
import { runCheck } from "../engine.js";
import { fillArgv } from "../types.js";
import { WIN32_UNINSTALL, WIN32_UNINSTALL_WOW64, WIN32_USER_UNINSTALL, WIN32_WINGET_LIST, collectSoftwareWin32 } from "./collect.win32.js";
import { evaluateSoftware } from "./evaluate.js";
import { softwareCheck } from "./index.js";

const NOT_FOUND = fixtureText("windows/reg-desktop/en-server-screensaverissecure-value-missing.txt");
const USER = "S-1-5-21-0-0-0-1125";
const OTHER = "S-1-5-21-0-0-0-1126";
const userUninstall = (sid: string) => fillArgv(WIN32_USER_UNINSTALL, { sid });
// Derived: the recorded Win7 Uninstall export in reg query /s layout, with Nmap 7.94 added (fixtures/windows/INDEX.md).
const MACHINE_WITH_NMAP = fixtureText("windows/reg-uninstall/win7-x64-uninstall-reg-query-s-layout-plus-nmap-7.94.derived.txt");
const ZOOM_FOR_USER = `\r\nHKEY_USERS\\${USER}\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\ZoomUMX\r\n    DisplayName    REG_SZ    Zoom Workplace (64-bit)\r\n    DisplayVersion    REG_SZ    6.1.1 (43316)\r\n    Publisher    REG_SZ    Zoom Video Communications, Inc.\r\n`;

function machine(extra: FakeCommand[] = []): FakeCommand[] {
  const base: FakeCommand[] = [
    { argv: WIN32_UNINSTALL, stdout: MACHINE_WITH_NMAP },
    { argv: WIN32_UNINSTALL_WOW64, exitCode: 1, stderr: NOT_FOUND },
    { argv: LOADED_HIVES_ARGV, stdout: fixtureText("windows/reg-hku/two-user-hives-service-sid-reg-query-layout.derived.txt") },
    { argv: userUninstall(USER), stdout: ZOOM_FOR_USER },
    { argv: userUninstall(OTHER), exitCode: 1, stderr: NOT_FOUND },
  ];
  const replaced = new Set(extra.map((c) => JSON.stringify(c.argv)));
  return [...base.filter((c) => !replaced.has(JSON.stringify(c.argv))), ...extra];
}

describe("collectSoftwareWin32", () => {
  it("lists the machine's and the signed-in user's programs, skipping hidden entries, and finds Nmap", async () => {
    const facts = await collectSoftwareWin32.collect(fakeRunner("win32", machine()));
    expect(facts).toEqual({
      packages: [
        { name: "Microsoft .NET Framework 4 Client Profile", version: "4.0.30319", source: "registry" },
        { name: "Nmap 7.94", version: "7.94", source: "registry", publisher: "Nmap Project" },
        { name: "Zoom Workplace (64-bit)", version: "6.1.1 (43316)", source: "registry", publisher: "Zoom Video Communications, Inc." },
      ],
      sources: ["registry"],
      problems: [],
    });
    const result = evaluateSoftware(facts, DEFAULT_POLICY.software);
    expect(result.status).toBe("fail");
    expect(result.violations.map((v) => v.subject)).toContain("Nmap 7.94");
  });

  it("reads the 32-bit view too and marks its programs x86; a program in both views is listed once", async () => {
    const [nativeOnly, nmapKey] = MACHINE_WITH_NMAP.split(/\n(?=HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Nmap\n)/);
    const wowNmap = `\n${(nmapKey as string).replace("SOFTWARE\\Microsoft", "SOFTWARE\\WOW6432Node\\Microsoft")}`;
    const split = await collectSoftwareWin32.collect(fakeRunner("win32", machine([{ argv: WIN32_UNINSTALL, stdout: nativeOnly }, { argv: WIN32_UNINSTALL_WOW64, stdout: wowNmap }])));
    expect(split.packages.find((p) => p.name === "Nmap 7.94")).toEqual({ name: "Nmap 7.94", version: "7.94", source: "registry", publisher: "Nmap Project", arch: "x86" });

    const both = MACHINE_WITH_NMAP.replace(/SOFTWARE\\Microsoft/g, "SOFTWARE\\WOW6432Node\\Microsoft");
    const twice = await collectSoftwareWin32.collect(fakeRunner("win32", machine([{ argv: WIN32_UNINSTALL_WOW64, stdout: both }])));
    expect(twice.packages.filter((p) => p.name === "Nmap 7.94")).toHaveLength(1);
  });

  it("adds Store apps only winget knows, and not the programs it lists from the Uninstall keys", async () => {
    const winget = `${fixtureText("windows/winget/en-2021-list-truncated-ids-excerpt.txt")}Nmap 7.94                                Nmap                                     7.94\n`;
    const facts = await collectSoftwareWin32.collect(fakeRunner("win32", machine([{ argv: WIN32_WINGET_LIST, stdout: winget }])));
    expect(facts.sources).toEqual(["registry", "winget"]);
    expect(facts.packages.filter((p) => p.source === "winget").map((p) => p.name)).toEqual([
      "reSearch", "AppInstallerCaller", "CodeFlow", "Dolby Access OEM", "Git", "HxD Hex Editor 2.5", "Microsoft Edge", "Microsoft Edge Update",
    ]);
  });

  it("notes a failing winget as a problem and keeps the registry inventory", async () => {
    const facts = await collectSoftwareWin32.collect(fakeRunner("win32", machine([{ argv: WIN32_WINGET_LIST, exitCode: -1978335212, stdout: "No installed package found matching input criteria." }])));
    expect(facts.sources).toEqual(["registry"]);
    expect(facts.problems).toEqual(["winget list: No installed package found matching input criteria."]);
  });

  it("notes a user's unreadable key as a problem", async () => {
    const facts = await collectSoftwareWin32.collect(fakeRunner("win32", machine([{ argv: userUninstall(USER), exitCode: 1, stderr: "ERROR: Access is denied." }])));
    expect(facts.problems).toEqual([`programs installed for ${USER} only: reg query HKU\\${USER}\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall /s: ERROR: Access is denied.`]);
    expect(facts.packages.map((p) => p.name)).toEqual(["Microsoft .NET Framework 4 Client Profile", "Nmap 7.94"]);
  });

  it.each([
    ["the machine key not recorded", machine().filter((c) => c.argv !== WIN32_UNINSTALL), /not recorded: reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall \/s/],
    ["the machine key in garbage", machine([{ argv: WIN32_UNINSTALL, stdout: "\u0000\u0013garbage" }]), /cannot parse reg query HKLM/],
    ["both machine keys empty", machine([{ argv: WIN32_UNINSTALL, stdout: "\r\n" }]), /no program listed/],
    ["the hive listing access-denied", machine([{ argv: LOADED_HIVES_ARGV, exitCode: 1, stderr: "ERROR: Access is denied." }]), /reg query HKU: ERROR: Access is denied/],
  ])("is unknown, naming the source, with %s", async (_what, commands, reason) => {
    const result = await runCheck(softwareCheck, fakeRunner("win32", commands), DEFAULT_POLICY);
    expect(result.status).toBe("unknown");
    expect(result.reason).toMatch(reason);
  });

  it("lists every command it runs in its sources", () => {
    expect(collectSoftwareWin32.sources.map((s) => (s.kind === "command" ? s.argv : []))).toEqual([
      WIN32_UNINSTALL,
      WIN32_UNINSTALL_WOW64,
      LOADED_HIVES_ARGV,
      WIN32_USER_UNINSTALL,
      WIN32_WINGET_LIST,
    ]);
  });
});
