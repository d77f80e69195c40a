import { describe, expect, it } from "vitest";
import { decodeWindowsOutput } from "../../platform/win32/windows-text.js";
import { fixture, fixtureText } from "../../testing/fixtures.js";
import type { SoftwareTitle } from "./facts.js";
import { appxBaseName, mergeWin32Titles, registryKey, type SignatureLookup, type Win32Inventory } from "./merge.win32.js";
import { parseAppxPackages } from "./parse/appx-package.js";
import { parseAuthenticodeSignatures, type AuthenticodeSignature } from "./parse/authenticode.js";
import { parseUninstallEntries, type UninstallEntry } from "./parse/reg-uninstall.js";
import { parseWingetList } from "./parse/winget-list.js";

const NO_SIGNATURES: SignatureLookup = { signatures: [], unreadable: new Map() };
const ANYDESK_EXE = "C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe";
const MICROSOFT_WINDOWS = "CN=Microsoft Windows, O=Microsoft Corporation, L=Redmond, S=Washington, C=US";

function entry(displayName: string, version: string, extra: Partial<UninstallEntry> = {}): UninstallEntry {
  return { displayName, version, systemComponent: false, windowsInstaller: false, ...extra };
}

function titles(uninstall: UninstallEntry[], rest: Partial<Win32Inventory> = {}): SoftwareTitle[] {
  return mergeWin32Titles({ uninstall, signatures: NO_SIGNATURES, ...rest });
}

/** The recorded Valid catalog signature (pester-bat-…-format-list.txt), for another file and, where given, another signer. */
function recordedSignature(path: string, subject = MICROSOFT_WINDOWS, status = "Valid"): AuthenticodeSignature {
  const text = fixtureText("windows/authenticode/pester-bat-catalog-signed-ms-windows-format-list.txt")
    .replace("C:\\Program Files\\WindowsPowerShell\\Modules\\Pester\\3.4.0\\bin\\Pester.bat", path)
    .replace(MICROSOFT_WINDOWS, subject)
    .replace("Status                 : Valid", `Status                 : ${status}`);
  return parseAuthenticodeSignatures(text, "x")[0] as AuthenticodeSignature;
}

describe("registryKey", () => {
  it.each([
    ["Nmap 7.94", "7.94", "nmap"],
    ["Nmap 7.95", "7.95", "nmap"],
    ["Wireshark 4.0.3 (x64)", "4.0.3", "wireshark"],
    ["Wireshark 4.2.5 64-bit", "4.2.5", "wireshark"],
    ["7-Zip 22.01 (x64)", "22.01", "7-zip"],
    ["Microsoft .NET Host - 5.0.7 (x64)", "40.28.30105", "microsoft .net host"],
    ["Zoom Workplace (64-bit)", "6.1.1 (43316)", "zoom workplace"],
    ["AnyDesk", "ad 8.0.9", "anydesk"],
  ])("%s (%s) has key %s", (displayName, version, key) => {
    expect(registryKey({ displayName, version })).toBe(key);
  });
});

describe("mergeWin32Titles: scope", () => {
  it.each([
    ["a visible entry", {}, "installed"],
    ["SystemComponent=1", { systemComponent: true }, "component"],
    ["a ParentKeyName", { parentKeyName: "OperatingSystem" }, "component"],
    ["a ReleaseType", { releaseType: "Security Update" }, "component"],
    ["a ReleaseType Service Pack", { releaseType: "Service Pack" }, "component"],
  ] as const)("%s is %s, and kept", (_what, flags, scope) => {
    expect(titles([entry("Windows Application Driver", "1.2.99.0", { key: "{29DA7679-80B6-452A-B264-349BAEE7CC0E}", ...flags })])).toEqual([
      {
        key: "windows application driver",
        name: "Windows Application Driver",
        versions: ["1.2.99.0"],
        sources: ["registry"],
        ids: ["{29DA7679-80B6-452A-B264-349BAEE7CC0E}"],
        identity: {},
        scope,
      },
    ]);
  });

  it("keeps WinAppDriver hidden as a SystemComponent as a component title (reg-query-uninstall-s-winappdriver-dotnet-host-systemcomponent.txt)", () => {
    const path = "windows/reg-uninstall/reg-query-uninstall-s-winappdriver-dotnet-host-systemcomponent.txt";
    expect(titles(parseUninstallEntries(fixtureText(path), path)).map((t) => [t.key, t.scope, t.declaredPublisher])).toEqual([
      ["microsoft .net host", "component", "Microsoft Corporation"],
      ["windows application driver", "component", "Microsoft Corporation"],
    ]);
  });

  it("a hidden twin of a visible program folds into it, and the program stays installed", () => {
    const folded = titles([
      entry("Microsoft .NET Framework 4 Client Profile", "4.0.30319", {
        key: "{3C3901C5-3455-3E0A-A214-0B093A5070A6}",
        systemComponent: true,
        windowsInstaller: true,
      }),
      entry("Microsoft .NET Framework 4 Client Profile", "4.0.30319", {
        key: "Microsoft .NET Framework 4 Client Profile",
        publisher: "Microsoft Corporation",
      }),
    ]);
    expect(folded).toEqual([
      {
        key: "microsoft .net framework 4 client profile",
        name: "Microsoft .NET Framework 4 Client Profile",
        versions: ["4.0.30319"],
        sources: ["registry"],
        ids: ["{3C3901C5-3455-3E0A-A214-0B093A5070A6}", "Microsoft .NET Framework 4 Client Profile"],
        declaredPublisher: "Microsoft Corporation",
        identity: {},
        scope: "installed",
      },
    ]);
  });
});

describe("mergeWin32Titles: folding", () => {
  it("folds 64- and 32-bit twins and a per-user copy into one title, versions and key names as attributes", () => {
    const folded = titles([
      entry("7-Zip 22.01 (x64)", "22.01", { key: "7-Zip" }),
      entry("7-Zip 19.00", "19.00", { key: "7-Zip" }),
      entry("Zoom Workplace (64-bit)", "6.1.1 (43316)", { key: "ZoomUMX" }),
      entry("Zoom Workplace (64-bit)", "6.1.1 (43316)", { key: "ZoomUMX" }),
    ]);
    expect(folded.map((t) => [t.key, t.name, t.versions, t.ids])).toEqual([
      ["7-zip", "7-Zip", ["22.01", "19.00"], ["7-Zip"]],
      ["zoom workplace", "Zoom Workplace", ["6.1.1 (43316)"], ["ZoomUMX"]],
    ]);
  });

  it("keeps key nmap across the upgrade 7.94 → 7.95 (the demo's registry answer and its derived upgrade)", () => {
    const before = "windows/reg-uninstall/win7-x64-uninstall-reg-query-s-layout-plus-nmap-7.94.derived.txt";
    const after = "windows/reg-uninstall/win7-x64-uninstall-reg-query-s-layout-plus-nmap-7.95.derived.txt";
    const nmap = (path: string) => titles(parseUninstallEntries(fixtureText(path), path)).find((t) => t.ids.includes("Nmap"));
    expect(nmap(before)).toMatchObject({
      key: "nmap",
      name: "Nmap",
      versions: ["7.94"],
      declaredPublisher: "Nmap Project",
      scope: "installed",
    });
    expect(nmap(after)).toMatchObject({ key: "nmap", name: "Nmap", versions: ["7.95"] });
  });

  it("reads the XP inventory as 46 programs a person installed (winxp-…-utf16le-trimmed.reg), twins folded", () => {
    const path = "windows/reg-uninstall/winxp-reg-export-uninstall-hotfix-parentkeyname-systemcomponent-utf16le-trimmed.reg";
    const all = titles(parseUninstallEntries(decodeWindowsOutput(fixture(path)), path));
    const installed = all.filter((t) => t.scope === "installed");
    expect(installed).toHaveLength(46);
    expect(all.filter((t) => t.scope === "component")).toHaveLength(all.length - 46);
    expect(installed.find((t) => t.key === "network console")?.ids).toEqual(["Network Console", "{5B21BB9A-E23E-472b-AD2A-FB9B06A4727C}"]);
    expect(installed.map((t) => t.key)).toEqual(
      expect.arrayContaining(["putty", "winscp", "ossec hids", "mozilla firefox", "opera", "microsoft office professional plus 2010"]),
    );
    expect(all.find((t) => t.key === "security update for windows xp (kb2079403)")?.scope).toBe("component");
  });
});

describe("mergeWin32Titles: identity", () => {
  const forged = entry("AnyDesk", "ad 8.0.9", { key: "AnyDesk", publisher: "Microsoft Corporation", displayIcon: `"${ANYDESK_EXE}",0` });

  it("takes signer and publisher from the Valid signature, the Publisher value only as declared", () => {
    const signatures = [recordedSignature(ANYDESK_EXE, "CN=AnyDesk Software GmbH, O=AnyDesk Software GmbH, L=Stuttgart, C=DE")];
    expect(titles([forged], { signatures: { signatures, unreadable: new Map() } })).toEqual([
      {
        key: "anydesk",
        name: "AnyDesk",
        versions: ["ad 8.0.9"],
        sources: ["registry"],
        ids: ["AnyDesk"],
        declaredPublisher: "Microsoft Corporation",
        identity: { signer: "AnyDesk Software GmbH", publisher: "AnyDesk Software GmbH" },
        scope: "installed",
      },
    ]);
  });

  it.each([
    ["not signed", [recordedSignature(ANYDESK_EXE, MICROSOFT_WINDOWS, "NotSigned")]],
    ["signed but the hash does not match", [recordedSignature(ANYDESK_EXE, MICROSOFT_WINDOWS, "HashMismatch")]],
    ["UnknownError", [recordedSignature(ANYDESK_EXE, MICROSOFT_WINDOWS, "UnknownError")]],
    ["gone (PowerShell printed nothing for it)", []],
    ["only another file signed", [recordedSignature("C:\\Program Files\\Other\\other.exe")]],
  ])("a forged Microsoft Publisher whose executable is %s has no identity", (_what, signatures) => {
    const [title] = titles([forged], { signatures: { signatures, unreadable: new Map() } });
    expect(title?.identity).toEqual({});
    expect(title?.declaredPublisher).toBe("Microsoft Corporation");
    expect(title?.unknown).toBeUndefined();
  });

  it("is unknown when the signature run could not be read, and never borrows the Publisher", () => {
    const [title] = titles([forged], {
      signatures: { signatures: [], unreadable: new Map([[ANYDESK_EXE, "Get-AuthenticodeSignature: not recorded"]]) },
    });
    expect(title).toMatchObject({ identity: {}, unknown: "signer unknown: Get-AuthenticodeSignature: not recorded" });
  });

  it("has no identity when twins' executables are signed by different signers", () => {
    const x86 = "C:\\Program Files (x86)\\Tool\\tool.exe";
    const x64 = "C:\\Program Files\\Tool\\tool.exe";
    const signatures = [recordedSignature(x86), recordedSignature(x64, "CN=Someone Else, O=Someone Else Ltd")];
    const twins = [entry("Tool 1.0 (x86)", "1.0", { displayIcon: x86 }), entry("Tool 1.0 (x64)", "1.0", { displayIcon: x64 })];
    expect(titles(twins, { signatures: { signatures, unreadable: new Map() } })[0]?.identity).toEqual({});
    const agreeing = [recordedSignature(x86), recordedSignature(x64)];
    expect(titles(twins, { signatures: { signatures: agreeing, unreadable: new Map() } })[0]?.identity).toEqual({
      signer: "Microsoft Windows",
      publisher: "Microsoft Corporation",
    });
  });

  it("matches an expandable path to the expanded one PowerShell printed", () => {
    const player = entry("Windows Media Player", "12", { displayIcon: '"%ProgramFiles%\\windows media player\\wmplayer.exe"' });
    const signatures = [recordedSignature("C:\\Program Files\\Windows Media Player\\wmplayer.exe")];
    expect(titles([player], { signatures: { signatures, unreadable: new Map() } })[0]?.identity).toEqual({
      signer: "Microsoft Windows",
      publisher: "Microsoft Corporation",
    });
  });

  it("leaves a title without an executable to check unverified, not unknown", () => {
    const msi = entry("Identity Finder", "4.6.1.0", { uninstallString: "MsiExec.exe /X{19DD1E9D-51E7-4A63-83F0-BAB7D6FBFC55}" });
    expect(titles([msi], { signatures: { signatures: [], unreadable: new Map([["C:\\x.exe", "failed"]]) } })[0]).toMatchObject({
      identity: {},
      scope: "installed",
    });
  });
});

describe("mergeWin32Titles: AppX", () => {
  const runtime = parseAppxPackages(fixtureText("windows/appx/windows-app-sdk-runtime-store-and-developer-signaturekind.txt"), "appx");
  const edge = parseAppxPackages(fixtureText("windows/appx/edge-legacy-systemapps-signaturekind-system.txt"), "appx");

  it("folds architectures, makes frameworks and System-signed packages components, and trusts the signed Publisher", () => {
    expect(titles([], { appx: [...runtime, ...edge] }).map((t) => [t.key, t.scope, t.identity, t.bundleId])).toEqual([
      [
        "microsoft.windowsappruntime",
        "component",
        { publisher: "Microsoft Corporation", origin: "microsoft-store" },
        "Microsoft.WindowsAppRuntime.1.0_8wekyb3d8bbwe",
      ],
      [
        "microsoftcorporationii.windowsappruntime.main",
        "installed",
        { publisher: "Microsoft Corporation", origin: "microsoft-store" },
        "MicrosoftCorporationII.WindowsAppRuntime.Main.1.0_8wekyb3d8bbwe",
      ],
      [
        "microsoft.windowsappruntime.singleton",
        "installed",
        { publisher: "Microsoft Corporation", origin: "microsoft-store" },
        "Microsoft.WindowsAppRuntime.Singleton_8wekyb3d8bbwe",
      ],
      // Developer-signed (sideloaded) by Microsoft: a verified publisher, but not from the Store.
      [
        "microsoft.winappruntime.ddlm",
        "installed",
        { publisher: "Microsoft Corporation" },
        "Microsoft.WinAppRuntime.DDLM.0.318.928.0-x6_8wekyb3d8bbwe",
      ],
      ["microsoft.microsoftedge", "component", { publisher: "Microsoft Corporation" }, "Microsoft.MicrosoftEdge_8wekyb3d8bbwe"],
    ]);
    const ddlm = titles([], { appx: runtime }).find((t) => t.key === "microsoft.winappruntime.ddlm");
    expect(ddlm).toMatchObject({
      sources: ["appx"],
      versions: ["0.318.928.0"],
      ids: [
        "Microsoft.WinAppRuntime.DDLM.0.318.928.0-x6",
        "Microsoft.WinAppRuntime.DDLM.0.318.928.0-x6_8wekyb3d8bbwe",
        "Microsoft.WinAppRuntime.DDLM.0.318.928.0-x8",
        "Microsoft.WinAppRuntime.DDLM.0.318.928.0-x8_8wekyb3d8bbwe",
      ],
    });
  });

  it("gives an unsigned package (SignatureKind None) no identity, whatever Publisher it names", () => {
    const unsigned = edge.map((p) => ({ ...p, signatureKind: "None" as const, nonRemovable: false }));
    expect(titles([], { appx: unsigned })[0]).toMatchObject({ identity: {}, scope: "installed" });
  });

  it.each([
    ["Microsoft.WindowsAppRuntime.1.0", "Microsoft.WindowsAppRuntime"],
    ["Microsoft.VCLibs.140.00", "Microsoft.VCLibs"],
    ["Microsoft.WinAppRuntime.DDLM.0.318.928.0-x6", "Microsoft.WinAppRuntime.DDLM"],
    ["Microsoft.549981C3F5F10", "Microsoft.549981C3F5F10"],
    ["1527c705-839a-4832-9118-54d4Bd6a0c89", "1527c705-839a-4832-9118-54d4Bd6a0c89"],
    ["SpotifyAB.SpotifyMusic", "SpotifyAB.SpotifyMusic"],
  ])("names package %s as %s", (name, base) => {
    expect(appxBaseName(name)).toBe(base);
  });
});

describe("mergeWin32Titles: winget", () => {
  const truncated = parseWingetList(fixtureText("windows/winget/en-2021-list-truncated-ids-excerpt.txt"), "winget list");
  const registry = [
    entry("Git", "2.31.0", { key: "Git_is1" }),
    entry("HxD Hex Editor 2.5", "2.5", { key: "HxD_is1" }),
    entry("Microsoft Edge", "93.0.961.52", { key: "Microsoft Edge" }),
    entry("Microsoft Edge Update", "1.3.151.27", { key: "Microsoft Edge Update" }),
    entry("CodeFlow", "", { key: "CodeFlow_is1" }),
    entry("Notepad++", "8.5", { key: "Notepad++" }),
  ];

  it("lends winget ids to the programs the Uninstall keys list, and keeps what only winget knows as titles without identity", () => {
    const rows = [
      ...truncated,
      { name: "Notepad++", id: "ARP\\Machine\\X64\\Notepad++", version: "8.5", nameTruncated: false, idTruncated: false },
    ];
    const merged = titles(registry, { winget: rows });
    expect(merged.find((t) => t.key === "git")).toMatchObject({ ids: ["Git_is1", "Git.Git"], sources: ["registry", "winget"] });
    expect(merged.find((t) => t.key === "notepad++")).toMatchObject({ ids: ["Notepad++"], sources: ["registry", "winget"] });
    expect(merged.filter((t) => t.sources[0] === "winget").map((t) => [t.name, t.bundleId, t.identity, t.scope])).toEqual([
      ["reSearch", "84f93aee594a430d", {}, "installed"],
      ["AppInstallerCaller", "8b5526fe-0870-42b7-bde0-da8c4c7ea1aa_kw\u2026", {}, "installed"],
      ["Dolby Access OEM", "DolbyLaboratories.DolbyAccessOEM_rz1teb\u2026", {}, "installed"],
    ]);
  });

  it("drops MSIX rows AppX already lists, even by a truncated family name", () => {
    const dolby = parseAppxPackages(
      fixtureText("windows/appx/edge-legacy-systemapps-signaturekind-system.txt")
        .replace(/Microsoft\.MicrosoftEdge_8wekyb3d8bbwe/g, "DolbyLaboratories.DolbyAccessOEM_rz1tebttyb220")
        .replace("Name              : Microsoft.MicrosoftEdge", "Name              : DolbyLaboratories.DolbyAccessOEM"),
      "appx",
    );
    const merged = titles(registry, { winget: truncated, appx: dolby });
    expect(merged.filter((t) => t.sources.includes("winget") && t.sources[0] === "winget").map((t) => t.name)).toEqual([
      "reSearch",
      "AppInstallerCaller",
    ]);
  });
});
