import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { LOADED_HIVES_ARGV } from "../../platform/win32/user-hives.js";
import { collectReadingDeclared, ReadRecorder, undeclaredReads } from "../../testing/declared-sources.js";
import { fakeRunner, type FakeCommand } from "../../testing/fake-runner.js";
import { fixtureText } from "../../testing/fixtures.js";
import { runCheck } from "../engine.js";
import { fillArgv } from "../types.js";
import {
  WIN32_APPX,
  WIN32_AUTHENTICODE,
  WIN32_UNINSTALL,
  WIN32_UNINSTALL_WOW64,
  WIN32_USER_UNINSTALL,
  WIN32_WINGET_LIST,
  collectSoftwareWin32,
} from "./collect.win32.js";
import { evaluateSoftware } from "./evaluate.js";
import { softwareCheck } from "./index.js";
import { authenticodeRuns } from "./main-executable.win32.js";

const NOT_FOUND = fixtureText("windows/reg-desktop/en-server-screensaverissecure-value-missing.txt");
const USER = "S-1-5-21-0-0-0-1125";
const OTHER = "S-1-5-21-0-0-0-1126";
const userUninstall = (sid: string) => fillArgv(WIN32_USER_UNINSTALL, { sid });
// Derived: the recorded Win7 Uninstall export in reg query /s layout, with Nmap 7.94 added (fixtures/windows/INDEX.md).
const MACHINE_WITH_NMAP = fixtureText("windows/reg-uninstall/win7-x64-uninstall-reg-query-s-layout-plus-nmap-7.94.derived.txt");
const NMAP_EXE = "C:\\Program Files (x86)\\Nmap\\uninstall.exe";
const ZOOM_EXE = "C:\\Users\\demo\\AppData\\Roaming\\Zoom\\bin\\Zoom.exe";
const ZOOM_FOR_USER = `\r\nHKEY_USERS\\${USER}\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\ZoomUMX\r\n    DisplayName    REG_SZ    Zoom Workplace (64-bit)\r\n    DisplayVersion    REG_SZ    6.1.1 (43316)\r\n    Publisher    REG_SZ    Zoom Video Communications, Inc.\r\n    DisplayIcon    REG_SZ    ${ZOOM_EXE}\r\n`;
const SIGNATURES_ARGV = (authenticodeRuns([NMAP_EXE, ZOOM_EXE])[0] as { argv: string[] }).argv;
const MICROSOFT_WINDOWS = "CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US";

/** The recorded list view (pester-bat-…-format-list.txt) for another file and signer: what one run prints per file. */
function signatureOf(path: string, subject: string): string {
  return fixtureText("windows/authenticode/pester-bat-catalog-signed-ms-windows-format-list.txt")
    .replace("C:\\Program Files\\WindowsPowerShell\\Modules\\Pester\\3.4.0\\bin\\Pester.bat", path)
    .replace(MICROSOFT_WINDOWS, subject);
}

function machine(extra: FakeCommand[] = []): FakeCommand[] {
  const base: FakeCommand[] = [
    { argv: WIN32_UNINSTALL, stdout: MACHINE_WITH_NMAP },
    { argv: WIN32_UNINSTALL_WOW64, exitCode: 1, stderr: NOT_FOUND },
    { argv: LOADED_HIVES_ARGV, stdout: fixtureText("windows/reg-hku/two-user-hives-service-sid-reg-query-layout.derived.txt") },
    { argv: userUninstall(USER), stdout: ZOOM_FOR_USER },
    { argv: userUninstall(OTHER), exitCode: 1, stderr: NOT_FOUND },
    {
      argv: SIGNATURES_ARGV,
      stdout: signatureOf(
        ZOOM_EXE,
        'CN="Zoom Video Communications, Inc.", O="Zoom Video Communications, Inc.", L=San Jose, S=California, C=US',
      ),
    },
  ];
  const replaced = new Set(extra.map((c) => JSON.stringify(c.argv)));
  return [...base.filter((c) => !replaced.has(JSON.stringify(c.argv))), ...extra];
}

describe("collectSoftwareWin32", () => {
  it("lists the machine's and the signed-in user's programs as titles, with the signer of each program's executable", async () => {
    const facts = await collectReadingDeclared(collectSoftwareWin32, fakeRunner("win32", machine()));
    expect(facts.titles).toEqual([
      {
        key: "microsoft .net framework 4 client profile",
        name: "Microsoft .NET Framework 4 Client Profile",
        versions: ["4.0.30319"],
        sources: ["registry"],
        ids: ["Microsoft .NET Framework 4 Client Profile"],
        identity: {},
        scope: "installed",
      },
      // PowerShell printed nothing for Nmap's uninstaller (gone, or never run): unverified, whatever Publisher says.
      {
        key: "nmap",
        name: "Nmap",
        versions: ["7.94"],
        sources: ["registry"],
        ids: ["Nmap"],
        declaredPublisher: "Nmap Project",
        identity: {},
        scope: "installed",
      },
      {
        key: "zoom workplace",
        name: "Zoom Workplace",
        versions: ["6.1.1 (43316)"],
        sources: ["registry"],
        ids: ["ZoomUMX"],
        declaredPublisher: "Zoom Video Communications, Inc.",
        // .NET quotes a subject value that holds a comma.
        identity: { signer: "Zoom Video Communications, Inc.", publisher: "Zoom Video Communications, Inc." },
        scope: "installed",
      },
    ]);
    expect(facts.sources).toEqual(["registry"]);
    expect(facts.problems).toEqual(["Get-AppxPackage: not recorded"]);
  });

  it("asks PowerShell once about every program's executable, quoted as literal strings", () => {
    expect(SIGNATURES_ARGV[4]).toBe(
      "[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false); Get-AuthenticodeSignature -LiteralPath @('C:\\Program Files (x86)\\Nmap\\uninstall.exe','C:\\Users\\demo\\AppData\\Roaming\\Zoom\\bin\\Zoom.exe' | ForEach-Object { [Environment]::ExpandEnvironmentVariables($_) }) -ErrorAction SilentlyContinue | Format-List | Out-String -Width 4096",
    );
  });

  it("makes the titles it wanted signers for unknown when the signature run is not recorded, and says so", async () => {
    const facts = await collectReadingDeclared(
      collectSoftwareWin32,
      fakeRunner(
        "win32",
        machine().filter((c) => c.argv !== SIGNATURES_ARGV),
      ),
    );
    expect(facts.titles.map((t) => [t.key, t.unknown, t.identity])).toEqual([
      ["microsoft .net framework 4 client profile", undefined, {}],
      ["nmap", "signer unknown: Get-AuthenticodeSignature: not recorded", {}],
      ["zoom workplace", "signer unknown: Get-AuthenticodeSignature: not recorded", {}],
    ]);
    expect(facts.problems).toContain("Get-AuthenticodeSignature: not recorded");
  });

  it.each([
    [
      "fails with nothing printed",
      { exitCode: 1, stderr: "powershell.exe : execution blocked by policy" },
      "signer unknown: Get-AuthenticodeSignature: exit code 1: powershell.exe : execution blocked by policy",
    ],
    [
      "prints something that is no signature list",
      { stdout: "Get-AuthenticodeSignature : Access is denied.\n" },
      /^signer unknown: cannot parse Get-AuthenticodeSignature/,
    ],
  ])("makes them unknown when PowerShell %s", async (_what, answer, reason) => {
    const facts = await collectReadingDeclared(collectSoftwareWin32, fakeRunner("win32", machine([{ argv: SIGNATURES_ARGV, ...answer }])));
    expect(facts.titles.find((t) => t.key === "nmap")?.unknown).toMatch(reason);
  });

  it("reads a run that found only some files (exit 1 after a missing one) as the signatures it printed", async () => {
    const facts = await collectReadingDeclared(
      collectSoftwareWin32,
      fakeRunner(
        "win32",
        machine([{ argv: SIGNATURES_ARGV, exitCode: 1, stdout: signatureOf(NMAP_EXE, "CN=Insecure.Com LLC, O=Insecure.Com LLC, C=US") }]),
      ),
    );
    expect(facts.titles.find((t) => t.key === "nmap")).toMatchObject({
      identity: { signer: "Insecure.Com LLC", publisher: "Insecure.Com LLC" },
      declaredPublisher: "Nmap Project",
    });
    expect(facts.titles.find((t) => t.key === "zoom workplace")?.identity).toEqual({});
  });

  it('under the default policy: Zoom approved by its signer, a forged "Microsoft Corporation" AnyDesk unapproved, Nmap denied by key across 7.94 → 7.95', async () => {
    const anydeskExe = "C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe";
    const forged = `${ZOOM_FOR_USER}\r\nHKEY_USERS\\${USER}\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\AnyDesk\r\n    DisplayName    REG_SZ    AnyDesk\r\n    DisplayVersion    REG_SZ    ad 8.0.9\r\n    Publisher    REG_SZ    Microsoft Corporation\r\n    DisplayIcon    REG_SZ    "${anydeskExe}",0\r\n`;
    const signatures = [
      signatureOf(ZOOM_EXE, 'CN="Zoom Video Communications, Inc.", O="Zoom Video Communications, Inc.", L=San Jose, S=California, C=US'),
      signatureOf(anydeskExe, "CN=AnyDesk Software GmbH, O=AnyDesk Software GmbH, L=Stuttgart, S=Baden-Wuerttemberg, C=DE"),
    ].join("\n");
    const judged = async (machineKey: string) => {
      const commands = machine([
        { argv: WIN32_UNINSTALL, stdout: fixtureText(machineKey) },
        { argv: userUninstall(USER), stdout: forged },
        { argv: (authenticodeRuns([NMAP_EXE, ZOOM_EXE, anydeskExe])[0] as { argv: string[] }).argv, stdout: signatures },
      ]);
      const result = evaluateSoftware(
        await collectReadingDeclared(collectSoftwareWin32, fakeRunner("win32", commands)),
        DEFAULT_POLICY.software,
      );
      return result.violations.map((v) => [v.subject, v.rule]);
    };
    const expected = [
      ["nmap", "nmap"],
      ["anydesk", "unapproved"],
      ["microsoft .net framework 4 client profile", "unapproved"],
    ];
    expect(await judged("windows/reg-uninstall/win7-x64-uninstall-reg-query-s-layout-plus-nmap-7.94.derived.txt")).toEqual(expected);
    expect(await judged("windows/reg-uninstall/win7-x64-uninstall-reg-query-s-layout-plus-nmap-7.95.derived.txt")).toEqual(expected);
  });

  it("reads the 32-bit view too; a program in both views is one title", async () => {
    const both = MACHINE_WITH_NMAP.replace(/SOFTWARE\\Microsoft/g, "SOFTWARE\\WOW6432Node\\Microsoft");
    const facts = await collectReadingDeclared(
      collectSoftwareWin32,
      fakeRunner("win32", machine([{ argv: WIN32_UNINSTALL_WOW64, stdout: both }])),
    );
    expect(facts.titles.filter((t) => t.key === "nmap")).toEqual([expect.objectContaining({ ids: ["Nmap"], versions: ["7.94"] })]);
  });

  it("adds every user's AppX packages", async () => {
    const appx = `${fixtureText("windows/appx/edge-legacy-systemapps-signaturekind-system.txt")}\n\n${fixtureText("windows/appx/windows-app-sdk-runtime-store-and-developer-signaturekind.txt")}`;
    const facts = await collectReadingDeclared(collectSoftwareWin32, fakeRunner("win32", machine([{ argv: WIN32_APPX, stdout: appx }])));
    expect(facts.sources).toEqual(["registry", "appx"]);
    expect(facts.problems).toEqual([]);
    expect(facts.titles.filter((t) => t.sources[0] === "appx").map((t) => [t.key, t.scope])).toEqual([
      ["microsoft.microsoftedge", "component"],
      ["microsoft.windowsappruntime", "component"],
      ["microsoftcorporationii.windowsappruntime.main", "installed"],
      ["microsoft.windowsappruntime.singleton", "installed"],
      ["microsoft.winappruntime.ddlm", "installed"],
    ]);
  });

  it("notes a failing Get-AppxPackage and keeps the rest", async () => {
    const facts = await collectReadingDeclared(
      collectSoftwareWin32,
      fakeRunner(
        "win32",
        machine([{ argv: WIN32_APPX, exitCode: 1, stderr: "Get-AppxPackage : The term 'Get-AppxPackage' is not recognized" }]),
      ),
    );
    expect(facts.problems).toEqual(["Get-AppxPackage: exit code 1: Get-AppxPackage : The term 'Get-AppxPackage' is not recognized"]);
    expect(facts.titles).toHaveLength(3);
  });

  it("adds winget ids to the programs it lists and keeps what only winget knows", async () => {
    const winget = `${fixtureText("windows/winget/en-2021-list-truncated-ids-excerpt.txt")}Nmap 7.94                                Nmap                                     7.94\n`;
    const facts = await collectReadingDeclared(
      collectSoftwareWin32,
      fakeRunner("win32", machine([{ argv: WIN32_WINGET_LIST, stdout: winget }])),
    );
    expect(facts.sources).toEqual(["registry", "winget"]);
    expect(facts.titles.find((t) => t.key === "nmap")?.sources).toEqual(["registry", "winget"]);
    expect(facts.titles.filter((t) => t.sources[0] === "winget").map((t) => t.name)).toEqual([
      "reSearch",
      "AppInstallerCaller",
      "CodeFlow",
      "Dolby Access OEM",
      "Git",
      "HxD Hex Editor",
      "Microsoft Edge",
      "Microsoft Edge Update",
    ]);
  });

  it("notes a failing winget as a problem and keeps the registry inventory", async () => {
    const facts = await collectReadingDeclared(
      collectSoftwareWin32,
      fakeRunner(
        "win32",
        machine([{ argv: WIN32_WINGET_LIST, exitCode: -1978335212, stdout: "No installed package found matching input criteria." }]),
      ),
    );
    expect(facts.sources).toEqual(["registry"]);
    expect(facts.problems).toContain("winget list: exit code -1978335212: No installed package found matching input criteria.");
  });

  it("notes a user's unreadable key as a problem", async () => {
    const signatures = (authenticodeRuns([NMAP_EXE])[0] as { argv: string[] }).argv;
    const facts = await collectReadingDeclared(
      collectSoftwareWin32,
      fakeRunner(
        "win32",
        machine([
          { argv: userUninstall(USER), exitCode: 1, stderr: "ERROR: Access is denied." },
          { argv: signatures, stdout: "" },
        ]),
      ),
    );
    expect(facts.problems).toContain(
      `programs installed for ${USER} only: reg query HKU\\${USER}\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall /s: exit code 1: ERROR: Access is denied.`,
    );
    expect(facts.titles.map((t) => t.name)).toEqual(["Microsoft .NET Framework 4 Client Profile", "Nmap"]);
  });

  it.each([
    [
      "the machine key not recorded",
      machine().filter((c) => c.argv !== WIN32_UNINSTALL),
      /^reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall \/s: not recorded$/,
    ],
    ["the machine key in garbage", machine([{ argv: WIN32_UNINSTALL, stdout: "\u0000\u0013garbage" }]), /cannot parse reg query HKLM/],
    ["both machine keys empty", machine([{ argv: WIN32_UNINSTALL, stdout: "\r\n" }]), /no program listed/],
    [
      "the hive listing access-denied",
      machine([{ argv: LOADED_HIVES_ARGV, exitCode: 1, stderr: "ERROR: Access is denied." }]),
      /reg query HKU: exit code 1: ERROR: Access is denied/,
    ],
  ])("is unknown, naming the source, with %s", async (_what, commands, reason) => {
    const result = await runCheck(softwareCheck, fakeRunner("win32", commands), DEFAULT_POLICY);
    expect(result.status).toBe("unknown");
    expect(result.reason).toMatch(reason);
  });

  it("lists every command it runs in its sources, {files} standing for the executables", async () => {
    expect(collectSoftwareWin32.sources.map((s) => (s.kind === "command" ? s.argv : []))).toEqual([
      WIN32_UNINSTALL,
      WIN32_UNINSTALL_WOW64,
      LOADED_HIVES_ARGV,
      WIN32_USER_UNINSTALL,
      WIN32_AUTHENTICODE,
      WIN32_APPX,
      WIN32_WINGET_LIST,
    ]);
    const recorder = new ReadRecorder(fakeRunner("win32", machine()));
    await collectSoftwareWin32.collect(recorder);
    expect(undeclaredReads(collectSoftwareWin32.sources, recorder.reads)).toEqual([]);
    const ran = recorder.reads.flatMap((r) => (r.kind === "command" ? [[...r.argv]] : []));
    const templates = new Set(collectSoftwareWin32.sources.map((s) => (s.kind === "command" ? JSON.stringify(s.argv) : "")));
    const asTemplate = (argv: string[]) =>
      JSON.stringify(
        argv.map((p) => p.replace(/S-1-5-21-[\d-]+/, "{sid}").replace(/@\('.*' \| ForEach-Object/, "@({files} | ForEach-Object")),
      );
    expect(new Set(ran.map(asTemplate))).toEqual(templates);
  });
});
