import { describe, expect, it } from "vitest";
import { fixture, fixtureText } from "../../testing/fixtures.js";
import { fakeRunner, type FakeCommand } from "../../testing/fake-runner.js";
import { collectSoftwareDarwin, publisherOf } from "./collect.darwin.js";
import type { InstalledPackage } from "./facts.js";

const SP_APPS = ["system_profiler", "-nospawn", "-xml", "SPApplicationsDataType", "-detailLevel", "full"];
const PKGS = ["pkgutil", "--pkgs"];
const brewOwner = (prefix: string) => ["stat", "-L", "-f", "%Su", `${prefix}/bin/brew`];
const brewList = (prefix: string, owner: string, cask: boolean) => ["sudo", "-n", "-H", "-u", owner, `${prefix}/bin/brew`, "list", ...(cask ? ["--cask"] : []), "--versions"];
const noBrew = (prefix: string): FakeCommand => ({ argv: brewOwner(prefix), exitCode: 1, stderr: `stat: ${prefix}/bin/brew: stat: No such file or directory\n` });

const apps = (file: string): FakeCommand => ({ argv: SP_APPS, stdout: fixtureText(`macos/system_profiler-apps/${file}`) });
const named = (packages: InstalledPackage[], name: string) => packages.filter((p) => p.name === name);

describe("collectSoftwareDarwin", () => {
  it("inventories apps (with bundle ids from Info.plist, XML or binary), receipts and Homebrew formulae from real outputs", async () => {
    const runner = fakeRunner(
      "darwin",
      [
        apps("macos-2024-apple-silicon-xml-368-apps-wireshark.derived.xml"),
        { argv: PKGS, stdout: fixtureText("macos/pkgutil/osx10.9-pkgs-partial-office2011-symantec.txt") },
        { argv: brewOwner("/opt/homebrew"), stdout: "user1\n" },
        { argv: brewList("/opt/homebrew", "user1", false), stdout: fixtureText("macos/brew/macos-2022-list-versions-partial.txt") },
        { argv: brewList("/opt/homebrew", "user1", true), stdout: "wireshark 4.2.4\n" },
        noBrew("/usr/local"),
      ],
      {
        "/Applications/Safari.app/Contents/Info.plist": fixture("macos/info-plist/macos12.5-safari-15.6-info.plist"),
        "/Applications/GarageBand.app/Contents/Info.plist": fixture("macos/info-plist/garageband-10.3.2-info-binary.plist"),
      },
    );
    const facts = await collectSoftwareDarwin.collect(runner);
    expect(facts.sources).toEqual(["app", "pkgutil", "homebrew"]);
    expect(facts.problems).toEqual([]);
    const appPackages = facts.packages.filter((p) => p.source === "app");
    // 368 entries less 15 that are not installed applications (sandbox containers, .service/.filter/.backend bundles).
    expect(appPackages).toHaveLength(353);
    expect(appPackages.filter((p) => /^(com\.microsoft\.openxml|group\.is\.workflow|com\.apple\.ctcategories)$/.test(p.name))).toEqual([]);
    expect(facts.packages.filter((p) => p.name.toLowerCase() === "wireshark")).toEqual([
      { name: "Wireshark", version: "4.2.4", source: "app", publisher: "Wireshark Foundation", arch: "arm64" },
      { name: "wireshark", version: "4.2.4", source: "homebrew" },
    ]);
    expect(named(facts.packages, "Safari")).toEqual([{ name: "Safari", version: "17.4.1", source: "app", publisher: "Apple Inc.", bundleId: "com.apple.Safari", arch: "universal" }]);
    expect(named(facts.packages, "GarageBand").map((p) => p.bundleId)).toEqual([undefined, "com.apple.garageband10"]);
    expect(named(facts.packages, "Microsoft Word")[0]).toMatchObject({ version: "16.79.2", publisher: "Microsoft Corporation" });
    expect(facts.packages.filter((p) => p.source === "pkgutil")).toHaveLength(36);
    expect(named(facts.packages, "com.Symantec.LiveUpdate.install")).toEqual([{ name: "com.Symantec.LiveUpdate.install", version: "", source: "pkgutil", bundleId: "com.Symantec.LiveUpdate.install" }]);
    expect(facts.packages.filter((p) => p.source === "homebrew")).toHaveLength(87);
    expect(named(facts.packages, "ffmpeg@4")).toEqual([{ name: "ffmpeg@4", version: "4.4.1", source: "homebrew" }]);
  });

  it("takes a receipt's version from pkgutil --pkg-info and lists a receipt removed meanwhile without one", async () => {
    const facts = await collectSoftwareDarwin.collect(
      fakeRunner("darwin", [
        apps("osx-xml-291-apps-safari-5.1.10.xml"),
        { argv: PKGS, stdout: "com.apple.pkg.CLTools_Executables\ncom.microsoft.package.Microsoft_Word.app\n" },
        { argv: ["pkgutil", "--pkg-info", "com.apple.pkg.CLTools_Executables"], exitCode: 1, stderr: fixtureText("macos/pkgutil/osx10.10-pkg-info-no-receipt-stderr.txt") },
        { argv: ["pkgutil", "--pkg-info", "com.microsoft.package.Microsoft_Word.app"], stdout: "package-id: com.microsoft.package.Microsoft_Word.app\nversion: 16.79.23111019\nvolume: /\nlocation: Applications\ninstall-time: 1700000000\n" },
        noBrew("/opt/homebrew"),
        noBrew("/usr/local"),
      ]),
    );
    expect(facts.packages.filter((p) => p.source === "pkgutil").map((p) => [p.name, p.version])).toEqual([
      ["com.apple.pkg.CLTools_Executables", ""],
      ["com.microsoft.package.Microsoft_Word.app", "16.79.23111019"],
    ]);
    expect(facts.sources).toEqual(["app", "pkgutil"]);
    // The older report has no signer; Apple's own apps are still known by where they live.
    expect(facts.packages.filter((p) => p.source === "app")).toHaveLength(281);
    expect(named(facts.packages, "Finder")[0]?.publisher).toBe("Apple Inc.");
  });

  it("reads a recorded text answer too (format sniffed): the 10.6 Mac with Wireshark 1.2.0", async () => {
    const facts = await collectSoftwareDarwin.collect(fakeRunner("darwin", [apps("osx-10.6-text-491-apps-wireshark-1.2.0.txt")]));
    expect(named(facts.packages, "Wireshark")).toEqual([{ name: "Wireshark", version: "1.2.0", source: "app", arch: "intel" }]);
    // 491 entries less 23 that are not application bundles and one updater cached under ~/Library/Caches.
    expect(facts.packages).toHaveLength(467);
    expect(facts.sources).toEqual(["app"]);
  });

  it("does not run brew as root: a root-owned prefix is a problem, not an inventory", async () => {
    const facts = await collectSoftwareDarwin.collect(
      fakeRunner("darwin", [apps("osx-xml-291-apps-safari-5.1.10.xml"), noBrew("/opt/homebrew"), { argv: brewOwner("/usr/local"), stdout: "root\n" }]),
    );
    expect(facts.sources).toEqual(["app"]);
    expect(facts.problems).toEqual(["Homebrew in /usr/local: owned by root, and brew refuses to run as root"]);
  });

  it("names a brew listing it could not read", async () => {
    const facts = await collectSoftwareDarwin.collect(
      fakeRunner("darwin", [
        apps("osx-xml-291-apps-safari-5.1.10.xml"),
        { argv: brewOwner("/opt/homebrew"), stdout: "user1\n" },
        { argv: brewList("/opt/homebrew", "user1", false), stdout: "wget 1.21.3\n" },
        { argv: brewList("/opt/homebrew", "user1", true), exitCode: 1, stderr: "Error: Permission denied @ dir_s_mkdir - /Users/user1/Library/Caches/Homebrew\n" },
        noBrew("/usr/local"),
      ]),
    );
    expect(facts.sources).toEqual(["app", "homebrew"]);
    expect(named(facts.packages, "wget")).toEqual([{ name: "wget", version: "1.21.3", source: "homebrew" }]);
    expect(facts.problems).toEqual([`${brewList("/opt/homebrew", "user1", true).join(" ")}: Error: Permission denied @ dir_s_mkdir - /Users/user1/Library/Caches/Homebrew`]);
  });

  it("counts Info.plist files it cannot parse as a problem and keeps those apps", async () => {
    const facts = await collectSoftwareDarwin.collect(
      fakeRunner("darwin", [apps("macos-2024-apple-silicon-xml-367-apps.xml")], { "/Applications/Safari.app/Contents/Info.plist": fixture("macos/info-plist/garageband-10.3.2-info-binary.plist").subarray(0, 300) }),
    );
    expect(named(facts.packages, "Safari")[0]?.bundleId).toBeUndefined();
    expect(facts.problems).toEqual(["1 application Info.plist file(s) could not be parsed; those apps are listed without a bundle id"]);
  });

  it("cannot tell without the application list", async () => {
    await expect(collectSoftwareDarwin.collect(fakeRunner("darwin", []))).rejects.toThrow(/not recorded: system_profiler/);
    await expect(collectSoftwareDarwin.collect(fakeRunner("darwin", [{ argv: SP_APPS, exitCode: 1, stderr: "killed" }]))).rejects.toThrow(/exit code 1/);
  });

  it("lists in sources exactly the argv and paths it reads", () => {
    expect(collectSoftwareDarwin.sources.map((s) => (s.kind === "command" ? s.argv.join(" ") : s.path))).toEqual([
      SP_APPS.join(" "),
      "{app}/Contents/Info.plist",
      "pkgutil --pkgs",
      "pkgutil --pkg-info {pkg}",
      "stat -L -f %Su /opt/homebrew/bin/brew",
      "sudo -n -H -u {owner} /opt/homebrew/bin/brew list --versions",
      "sudo -n -H -u {owner} /opt/homebrew/bin/brew list --cask --versions",
      "stat -L -f %Su /usr/local/bin/brew",
      "sudo -n -H -u {owner} /usr/local/bin/brew list --versions",
      "sudo -n -H -u {owner} /usr/local/bin/brew list --cask --versions",
    ]);
  });
});

describe("publisherOf", () => {
  it.each([
    ["a Developer ID signer", { signedBy: ["Developer ID Application: Mozilla Corporation (43AQ936H96)", "Developer ID Certification Authority"] }, "Mozilla Corporation"],
    ["a signer name with a comma", { signedBy: ["Developer ID Application: Foo, Inc. (ABCDE12345), Developer ID Certification Authority, Apple Root CA"] }, "Foo, Inc."],
    ["Apple's own signature", { signedBy: ["Software Signing", "Apple Code Signing Certification Authority", "Apple Root CA"] }, "Apple Inc."],
    ["obtained from Apple", { signedBy: [], obtainedFrom: "apple" }, "Apple Inc."],
    ["an unsigned app under /System (SIP: only Apple writes there)", { signedBy: [], path: "/System/Library/CoreServices/Finder.app" }, "Apple Inc."],
    ["a Mac App Store app (Apple re-signs it, the developer is not named)", { signedBy: ["Apple Mac OS Application Signing", "Apple Worldwide Developer Relations Certification Authority"] }, undefined],
    ["an unsigned app in /Applications", { signedBy: [], path: "/Applications/Tool.app", obtainedFrom: "unknown" }, undefined],
  ])("%s", (_name, app, expected) => {
    expect(publisherOf({ name: "x", ...app })).toBe(expected);
  });
});
