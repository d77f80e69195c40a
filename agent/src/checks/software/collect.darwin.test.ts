import { describe, expect, it } from "vitest";
import { fixture, fixtureText } from "../../testing/fixtures.js";
import { collectReadingDeclared, ReadRecorder, undeclaredReads } from "../../testing/declared-sources.js";
import { fakeRunner, type FakeCommand } from "../../testing/fake-runner.js";
import { MAC_2024_APPS_FOR_IT, WIRESHARK_TITLE } from "../../testing/recorded-mac.js";
import { collectSoftwareDarwin } from "./collect.darwin.js";
import type { SoftwareFacts, SoftwareTitle } from "./facts.js";

const SP_APPS = ["system_profiler", "-nospawn", "-xml", "SPApplicationsDataType", "-detailLevel", "full"];
const PKGS = ["pkgutil", "--pkgs"];
const brewOwner = (prefix: string) => ["stat", "-L", "-f", "%Su", `${prefix}/bin/brew`];
const asOwner = (prefix: string, owner: string) => ["sudo", "-n", "-H", "-u", owner, `${prefix}/bin/brew`];
const brewInfo = (prefix: string, owner: string) => [...asOwner(prefix, owner), "info", "--json=v2", "--installed"];
const brewList = (prefix: string, owner: string, cask: boolean) => [
  ...asOwner(prefix, owner),
  "list",
  ...(cask ? ["--cask"] : []),
  "--versions",
];
const noBrew = (prefix: string): FakeCommand => ({
  argv: brewOwner(prefix),
  exitCode: 1,
  stderr: `stat: ${prefix}/bin/brew: stat: No such file or directory\n`,
});
const codesign = (path: string) => ["codesign", "-dv", path];

const apps = (file: string): FakeCommand => ({ argv: SP_APPS, stdout: fixtureText(`macos/system_profiler-apps/${file}`) });
const titled = (facts: SoftwareFacts, key: string) => facts.titles.find((t) => t.key === key);
const scopes = (titles: SoftwareTitle[]) => {
  const counts: Record<string, number> = {};
  for (const t of titles) counts[t.scope] = (counts[t.scope] ?? 0) + 1;
  return counts;
};
const NO_TEAM_APPS = "GIMP (not recorded), RStudio (not recorded), VLC (not recorded), XMind (not recorded)";

describe("collectSoftwareDarwin", () => {
  it("folds real outputs into titles: top-level apps installed, helpers and receipts components, formulae by request and tap", async () => {
    const runner = fakeRunner(
      "darwin",
      [
        apps("macos-2024-apple-silicon-xml-368-apps-wireshark.derived.xml"),
        { argv: PKGS, stdout: fixtureText("macos/pkgutil/osx10.9-pkgs-partial-office2011-symantec.txt") },
        noBrew("/opt/homebrew"),
        { argv: brewOwner("/usr/local"), stdout: "user1\n" },
        {
          argv: brewInfo("/usr/local", "user1"),
          stdout: fixtureText("macos/brew/salt-test-brew-info-json-v2-installed-jq-xz-day-o-iterm2.json"),
        },
      ],
      {
        "/Applications/Safari.app/Contents/Info.plist": fixture("macos/info-plist/macos12.5-safari-15.6-info.plist"),
        "/Applications/GarageBand.app/Contents/Info.plist": fixture("macos/info-plist/garageband-10.3.2-info-binary.plist"),
      },
    );
    const facts = await collectReadingDeclared(collectSoftwareDarwin, runner);
    expect(facts.sources).toEqual(["app", "pkgutil", "homebrew"]);
    expect(facts.problems).toEqual([
      `codesign -dv: team id unknown for 4 app(s) whose Developer ID certificate names no team: ${NO_TEAM_APPS}`,
    ]);
    // 49 apps a person put in /Applications, jq (asked for), the casks day-o and iterm2 (their apps are not in this listing).
    expect(scopes(facts.titles)).toEqual({ installed: 52, component: 306 + 36, dependency: 1 });
    expect(titled(facts, "wireshark")).toEqual(WIRESHARK_TITLE);
    expect(titled(facts, "safari")).toMatchObject({
      bundleId: "com.apple.Safari",
      identity: { signer: "Software Signing", publisher: "Apple Inc.", origin: "apple" },
      scope: "installed",
    });
    expect(titled(facts, "garageband")).toMatchObject({
      versions: ["6.0.5", "10.2.0"],
      bundleId: "com.apple.garageband10",
      identity: { origin: "mac-app-store" },
    });
    expect(titled(facts, "vlc")?.identity).toEqual({ signer: "Developer ID Application: VideoLAN", publisher: "VideoLAN" });
    expect(titled(facts, "inkscape")?.identity).toEqual({});
    for (const key of [
      "rastertoepfax",
      "microsoft autoupdate",
      "uninstall",
      "adobe air uninstaller",
      "{f0915e53-c75d-4ff2-adcb-4d4db79927f6}",
      "calculator",
      "com.symantec.smc",
    ]) {
      expect(titled(facts, key)?.scope, key).toBe("component");
    }
    expect(facts.titles.filter((t) => t.scope === "installed" && t.sources.includes("pkgutil"))).toEqual([]);
    expect(titled(facts, "jq")).toMatchObject({ scope: "installed", identity: { origin: "homebrew/core" } });
    expect(titled(facts, "xz")).toMatchObject({ scope: "dependency", identity: { origin: "homebrew/core" } });
    expect(titled(facts, "iterm2")).toMatchObject({ name: "iTerm2", ids: ["cask:iterm2"], scope: "installed", identity: {} });
    expect(facts.titles.every((t) => t.unknown === undefined)).toBe(true);
  });

  it("finds 48 installed titles on the real 2024 Apple-silicon Mac: 7 Apple's (platform-signed or App Store), 41 for IT to decide on", async () => {
    const facts = await collectReadingDeclared(
      collectSoftwareDarwin,
      fakeRunner("darwin", [apps("macos-2024-apple-silicon-xml-367-apps.xml")]),
    );
    const installed = facts.titles.filter((t) => t.scope === "installed");
    const apple = (t: SoftwareTitle) => t.identity.origin === "apple" || t.identity.origin === "mac-app-store";
    expect(
      installed
        .filter(apple)
        .map((t) => t.key)
        .sort(),
    ).toEqual(["garageband", "imagej64", "imovie", "keynote", "numbers", "pages", "safari"]);
    expect(
      installed
        .filter((t) => !apple(t))
        .map((t) => t.key)
        .sort(),
    ).toEqual(MAC_2024_APPS_FOR_IT);
    // 18 of those carry a signing team id; the 19 unsigned ones have no identity at all.
    expect(installed.filter((t) => t.identity.teamId !== undefined)).toHaveLength(18);
    expect(installed.filter((t) => Object.keys(t.identity).length === 0)).toHaveLength(19);
  });

  it("asks codesign -dv (stderr) for the team of top-level apps whose Developer ID certificate names none, and only those", async () => {
    const runner = fakeRunner("darwin", [
      apps("macos-2024-apple-silicon-text-367-apps-obtained-from-signed-by.txt"),
      // In codesign's -dv form (see fixtures/macos/codesign): the team id line is what is read.
      {
        argv: codesign("/Applications/VLC.app"),
        stderr:
          "Executable=/Applications/VLC.app/Contents/MacOS/VLC\nIdentifier=org.videolan.vlc\nFormat=app bundle with Mach-O thin (x86_64)\nTeamIdentifier=75AAJDH9W6\n",
      },
      { argv: codesign("/Applications/RStudio.app"), exitCode: 1, stderr: "/Applications/RStudio.app: code object is not signed at all\n" },
      { argv: codesign("/Applications/XMind.app"), exitCode: 1, stderr: "/Applications/XMind.app: No such file or directory\n" },
      noBrew("/opt/homebrew"),
      noBrew("/usr/local"),
    ]);
    const facts = await collectReadingDeclared(collectSoftwareDarwin, runner);
    expect(titled(facts, "vlc")).toMatchObject({
      bundleId: "org.videolan.vlc",
      identity: { signer: "Developer ID Application: VideoLAN", publisher: "VideoLAN", teamId: "75AAJDH9W6" },
    });
    // The listing named a signer, the bundle itself has none: unverified.
    expect(titled(facts, "rstudio")?.identity).toEqual({});
    expect(titled(facts, "xmind")?.identity).toEqual({ signer: "Developer ID Application: XMind Ltd.", publisher: "XMind Ltd." });
    expect(facts.problems).toEqual([
      "codesign -dv: team id unknown for 2 app(s) whose Developer ID certificate names no team: GIMP (not recorded), XMind (exit code 1: /Applications/XMind.app: No such file or directory)",
    ]);
    expect(scopes(facts.titles)).toEqual({ installed: 48, component: 306 });
  });

  it("falls back to brew list when brew info cannot be read: those titles are unknown (no tap), casks still fold into their apps", async () => {
    const facts = await collectReadingDeclared(
      collectSoftwareDarwin,
      fakeRunner("darwin", [
        apps("macos-2024-apple-silicon-xml-368-apps-wireshark.derived.xml"),
        { argv: brewOwner("/opt/homebrew"), stdout: "user1\n" },
        { argv: brewInfo("/opt/homebrew", "user1"), exitCode: 1, stderr: "Error: invalid option: --json=v2\n" },
        { argv: brewList("/opt/homebrew", "user1", false), stdout: fixtureText("macos/brew/macos-2022-list-versions-partial.txt") },
        { argv: brewList("/opt/homebrew", "user1", true), stdout: "wireshark 4.2.4\n" },
        noBrew("/usr/local"),
      ]),
    );
    const unknown = "Homebrew tap unknown: brew info --json=v2 not available (exit code 1: Error: invalid option: --json=v2)";
    const formulae = facts.titles.filter((t) => t.sources[0] === "homebrew");
    expect(formulae).toHaveLength(86);
    expect(formulae.every((t) => t.unknown === unknown && t.scope === "installed" && Object.keys(t.identity).length === 0)).toBe(true);
    expect(titled(facts, "ffmpeg@4")).toEqual({
      key: "ffmpeg@4",
      name: "ffmpeg@4",
      versions: ["4.4.1"],
      sources: ["homebrew"],
      ids: ["ffmpeg@4"],
      identity: {},
      scope: "installed",
      unknown,
    });
    expect(titled(facts, "wireshark")).toMatchObject({
      sources: ["app", "homebrew"],
      ids: ["cask:wireshark"],
      identity: { teamId: "7Z6EMTD2C6" },
    });
    expect(titled(facts, "wireshark")?.unknown).toBeUndefined();
  });

  it("takes a receipt's version from pkgutil --pkg-info and lists a receipt removed meanwhile without one", async () => {
    const facts = await collectReadingDeclared(
      collectSoftwareDarwin,
      fakeRunner("darwin", [
        apps("osx-xml-291-apps-safari-5.1.10.xml"),
        { argv: PKGS, stdout: "com.apple.pkg.CLTools_Executables\ncom.microsoft.package.Microsoft_Word.app\n" },
        {
          argv: ["pkgutil", "--pkg-info", "com.apple.pkg.CLTools_Executables"],
          exitCode: 1,
          stderr: fixtureText("macos/pkgutil/osx10.10-pkg-info-no-receipt-stderr.txt"),
        },
        {
          argv: ["pkgutil", "--pkg-info", "com.microsoft.package.Microsoft_Word.app"],
          stdout:
            "package-id: com.microsoft.package.Microsoft_Word.app\nversion: 16.79.23111019\nvolume: /\nlocation: Applications\ninstall-time: 1700000000\n",
        },
        noBrew("/opt/homebrew"),
        noBrew("/usr/local"),
      ]),
    );
    expect(facts.titles.filter((t) => t.sources.includes("pkgutil")).map((t) => [t.name, t.versions, t.scope])).toEqual([
      ["com.apple.pkg.CLTools_Executables", [], "component"],
      ["com.microsoft.package.Microsoft_Word.app", ["16.79.23111019"], "component"],
    ]);
    expect(facts.sources).toEqual(["app", "pkgutil"]);
    // The older report has no signer; Apple's own apps under /System are still known by where they live.
    expect(titled(facts, "finder")).toMatchObject({ scope: "component", identity: { publisher: "Apple Inc.", origin: "apple" } });
    expect(scopes(facts.titles.filter((t) => t.sources[0] === "app"))).toEqual({ installed: 47, component: 221 });
  });

  it("reads a recorded text answer too (format sniffed): the 10.6 Mac's Wireshark 1.2.0 is installed, unsigned", async () => {
    const facts = await collectReadingDeclared(
      collectSoftwareDarwin,
      fakeRunner("darwin", [apps("osx-10.6-text-491-apps-wireshark-1.2.0.txt")]),
    );
    expect(titled(facts, "wireshark")).toEqual({
      key: "wireshark",
      name: "Wireshark",
      versions: ["1.2.0"],
      sources: ["app"],
      ids: [],
      identity: {},
      scope: "installed",
    });
    // Printer drivers, uninstallers, /Developer tools, Parallels' shims of Windows programs and /System are components.
    expect(scopes(facts.titles)).toEqual({ installed: 109, component: 376 });
    expect(titled(facts, "microsoft windows media configuration utility")?.scope).toBe("component");
    expect(facts.sources).toEqual(["app"]);
  });

  it("does not run brew as root: a root-owned prefix is a problem, not an inventory", async () => {
    const facts = await collectReadingDeclared(
      collectSoftwareDarwin,
      fakeRunner("darwin", [
        apps("osx-xml-291-apps-safari-5.1.10.xml"),
        noBrew("/opt/homebrew"),
        { argv: brewOwner("/usr/local"), stdout: "root\n" },
      ]),
    );
    expect(facts.sources).toEqual(["app"]);
    expect(facts.problems).toEqual(["Homebrew in /usr/local: owned by root, and brew refuses to run as root"]);
  });

  it("names a brew listing it could not read and keeps what it did read", async () => {
    const facts = await collectReadingDeclared(
      collectSoftwareDarwin,
      fakeRunner("darwin", [
        apps("osx-xml-291-apps-safari-5.1.10.xml"),
        { argv: brewOwner("/opt/homebrew"), stdout: "user1\n" },
        { argv: brewList("/opt/homebrew", "user1", false), stdout: "wget 1.21.3\n" },
        {
          argv: brewList("/opt/homebrew", "user1", true),
          exitCode: 1,
          stderr: "Error: Permission denied @ dir_s_mkdir - /Users/user1/Library/Caches/Homebrew\n",
        },
        noBrew("/usr/local"),
      ]),
    );
    expect(facts.sources).toEqual(["app", "homebrew"]);
    expect(titled(facts, "wget")).toMatchObject({
      versions: ["1.21.3"],
      unknown: "Homebrew tap unknown: brew info --json=v2 not available (not recorded)",
    });
    expect(facts.problems).toEqual([
      `${brewList("/opt/homebrew", "user1", true).join(" ")}: exit code 1: Error: Permission denied @ dir_s_mkdir - /Users/user1/Library/Caches/Homebrew`,
    ]);
  });

  it("counts Info.plist files it cannot parse as a problem and keeps those apps", async () => {
    const facts = await collectReadingDeclared(
      collectSoftwareDarwin,
      fakeRunner("darwin", [apps("macos-2024-apple-silicon-xml-367-apps.xml")], {
        "/Applications/Safari.app/Contents/Info.plist": fixture("macos/info-plist/garageband-10.3.2-info-binary.plist").subarray(0, 300),
      }),
    );
    expect(titled(facts, "safari")?.bundleId).toBeUndefined();
    expect(facts.problems).toContain(
      "1 application Info.plist file(s) could not be read or parsed; those apps are listed without a bundle id",
    );
  });

  it("cannot tell without the application list", async () => {
    await expect(collectReadingDeclared(collectSoftwareDarwin, fakeRunner("darwin", []))).rejects.toThrow(
      /^system_profiler .*: not recorded$/,
    );
    await expect(
      collectReadingDeclared(collectSoftwareDarwin, fakeRunner("darwin", [{ argv: SP_APPS, exitCode: 1, stderr: "killed" }])),
    ).rejects.toThrow(/exit code 1/);
  });

  it("reads only the sources it declares, {app}, {pkg} and {owner} filled", async () => {
    const recorder = new ReadRecorder(
      fakeRunner(
        "darwin",
        [
          apps("macos-2024-apple-silicon-xml-368-apps-wireshark.derived.xml"),
          { argv: PKGS, stdout: fixtureText("macos/pkgutil/osx10.9-pkgs-partial-office2011-symantec.txt") },
          { argv: brewOwner("/opt/homebrew"), stdout: "user1\n" },
          noBrew("/usr/local"),
        ],
        { "/Applications/Safari.app/Contents/Info.plist": fixture("macos/info-plist/macos12.5-safari-15.6-info.plist") },
      ),
    );
    await collectSoftwareDarwin.collect(recorder);
    expect(undeclaredReads(collectSoftwareDarwin.sources, recorder.reads)).toEqual([]);
    const kinds = new Set(recorder.reads.map((r) => (r.kind === "command" ? r.argv.slice(0, 2).join(" ") : r.path.replace(/^.*\//, ""))));
    expect([...kinds]).toEqual(expect.arrayContaining(["Info.plist", "codesign -dv", "pkgutil --pkg-info", "sudo -n"]));
  });

  it("lists in sources exactly the argv and paths it reads", () => {
    expect(collectSoftwareDarwin.sources.map((s) => (s.kind === "command" ? s.argv.join(" ") : s.path))).toEqual([
      SP_APPS.join(" "),
      "{app}/Contents/Info.plist",
      "codesign -dv {app}",
      "pkgutil --pkgs",
      "pkgutil --pkg-info {pkg}",
      ...["/opt/homebrew", "/usr/local"].flatMap((prefix) => [
        `stat -L -f %Su ${prefix}/bin/brew`,
        `sudo -n -H -u {owner} ${prefix}/bin/brew info --json=v2 --installed`,
        `sudo -n -H -u {owner} ${prefix}/bin/brew list --versions`,
        `sudo -n -H -u {owner} ${prefix}/bin/brew list --cask --versions`,
      ]),
    ]);
  });
});
