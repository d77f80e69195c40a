import { Bundle, DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { runChecks } from "../../checks/engine.js";
import { CHECKS } from "../../checks/registry.js";
import { collectSoftwareDarwin } from "../../checks/software/collect.darwin.js";
import { ReplayRunner } from "../../runner/replay.js";
import { fixture, fixtureText } from "../../testing/fixtures.js";
import { MAC_2024_APPS_FOR_IT, WIRESHARK_TITLE } from "../../testing/recorded-mac.js";

const bundle = Bundle.parse(JSON.parse(fixtureText("bundles/demo-mac.json")));
const AS_USER1 = ["launchctl", "asuser", "501", "sudo", "-n", "-u", "user1"];

/**
 * Where each recorded answer of the demo Mac comes from: a fixture file (real, or *.derived.* where
 * marked in fixtures/macos/INDEX.md), or — for three trivial answers no fixture holds — the literal
 * text a Mac prints (the console owner, the Homebrew prefix owner, an empty cask list).
 */
const PROVENANCE: { argv: string[]; stdout?: string; stderr?: string; exitCode: number }[] = [
  { argv: ["stat", "-f", "%Su %u", "/dev/console"], stdout: "user1 501\n", exitCode: 0 },
  { argv: ["pmset", "-g", "custom"], stdout: "macos/pmset/macos-laptop-g-custom.txt", exitCode: 0 },
  { argv: ["pmset", "-g", "batt"], stdout: "macos/pmset/macos26.5-macbookair-g-batt.txt", exitCode: 0 },
  {
    argv: [...AS_USER1, "defaults", "-currentHost", "read", "com.apple.screensaver", "idleTime"],
    stderr: "macos/defaults-screensaver/macos26.5-macbookair-currenthost-idletime-unset-stderr.txt",
    exitCode: 1,
  },
  {
    argv: [...AS_USER1, "sysadminctl", "-screenLock", "status"],
    stderr: "macos/sysadminctl-screenlock/macos26.5-macbookair-stderr-off.txt",
    exitCode: 0,
  },
  {
    argv: ["system_profiler", "-json", "SPUSBDataType"],
    stdout: "macos/system_profiler-usb/macos-apple-silicon-t6000-alcor-flash-disk-mbr-mounted.json",
    exitCode: 0,
  },
  {
    argv: ["system_profiler", "-nospawn", "-xml", "SPApplicationsDataType", "-detailLevel", "full"],
    stdout: "macos/system_profiler-apps/macos-2024-apple-silicon-xml-368-apps-wireshark.derived.xml",
    exitCode: 0,
  },
  { argv: ["pkgutil", "--pkgs"], stdout: "macos/pkgutil/osx10.9-pkgs-partial-office2011-symantec.txt", exitCode: 0 },
  { argv: ["stat", "-L", "-f", "%Su", "/opt/homebrew/bin/brew"], stdout: "user1\n", exitCode: 0 },
  {
    argv: ["sudo", "-n", "-H", "-u", "user1", "/opt/homebrew/bin/brew", "list", "--versions"],
    stdout: "macos/brew/macos-2022-list-versions-partial.txt",
    exitCode: 0,
  },
  { argv: ["sudo", "-n", "-H", "-u", "user1", "/opt/homebrew/bin/brew", "list", "--cask", "--versions"], stdout: "", exitCode: 0 },
];
const FILES: Record<string, string> = {
  "/Applications/Safari.app/Contents/Info.plist": "macos/info-plist/macos12.5-safari-15.6-info.plist",
  "/Applications/GarageBand.app/Contents/Info.plist": "macos/info-plist/garageband-10.3.2-info-binary.plist",
};

const contentOf = (ref: string | undefined) =>
  ref === undefined || ref === "" || !ref.startsWith("macos/") ? (ref ?? "") : fixtureText(ref);

/** A source template as a pattern: `{user}` and friends stand for one argument each. */
function templatePattern(template: string): RegExp {
  return new RegExp(
    `^${template
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("[^\\s]+")}$`,
  );
}

describe("fixtures/bundles/demo-mac.json", () => {
  it("is assembled from the macOS fixtures, answer for answer", () => {
    expect(bundle.platform).toBe("darwin");
    expect(bundle.commands.map((c) => c.argv)).toEqual(PROVENANCE.map((p) => p.argv));
    for (const [i, expected] of PROVENANCE.entries()) {
      const command = bundle.commands[i];
      expect(command?.exitCode).toBe(expected.exitCode);
      expect(command?.stdout).toBe(contentOf(expected.stdout));
      expect(command?.stderr).toBe(contentOf(expected.stderr));
    }
    expect(bundle.files.map((f) => f.path)).toEqual(Object.keys(FILES));
    for (const file of bundle.files) {
      const bytes = file.contentBase64 !== undefined ? Buffer.from(file.contentBase64, "base64") : Buffer.from(file.content ?? "", "utf8");
      expect(bytes.equals(fixture(FILES[file.path] as string))).toBe(true);
    }
  });

  it("holds only argv and paths the darwin collectors list in their sources", async () => {
    const collectors = await Promise.all(CHECKS.map((c) => c.collectors.darwin()));
    const templates = collectors.flatMap((c) => c.sources).map((s) => templatePattern(s.kind === "command" ? s.argv.join(" ") : s.path));
    for (const target of [...bundle.commands.map((c) => c.argv.join(" ")), ...bundle.files.map((f) => f.path)]) {
      expect(
        templates.some((t) => t.test(target)),
        target,
      ).toBe(true);
    }
  });

  it("replays to a Mac that breaks the policy three ways: no password on wake, a USB stick mounted, Wireshark installed", async () => {
    const results = await runChecks(CHECKS, new ReplayRunner(bundle), DEFAULT_POLICY);
    const byCheck = Object.fromEntries(results.map((r) => [r.check, r]));

    expect(byCheck["screen-lock"]).toMatchObject({
      status: "fail",
      violations: [{ subject: "user1", observed: "macos: idle after 600 s, no password on wake" }],
    });
    expect(byCheck["screen-lock"]?.violations[0]?.message).toMatch(/^Waking the screen of user1 does not ask for a password/);

    expect(byCheck["usb-storage"]).toMatchObject({
      status: "fail",
      violations: [{ subject: "59402D7A", observed: "Alcor Micro, Corp. Flash Disk [058f:6387] mounted at /Volumes/TEST" }],
      // diskutil was not recorded for this demo: the result says so rather than staying silent.
      reason: "not available here: diskutil list -plist external: not recorded",
    });

    const software = byCheck.software;
    expect(software?.status).toBe("fail");
    const violations = software?.violations ?? [];
    expect(violations.filter((v) => v.rule !== "unapproved").map((v) => [v.subject, v.rule, v.title?.category])).toEqual([
      ["wireshark", "wireshark", "sniffer"],
    ]);
    // Titles a person installed, not printer filters, helpers, receipts or Homebrew dependencies.
    expect(violations.length).toBeLessThanOrEqual(40);
    expect(violations.every((v) => v.title?.scope === "installed" && v.title.sources[0] === "app")).toBe(true);
  });

  it("folds the demo Mac's inventory into titles: 49 apps and 86 formulae installed, helpers, filters and receipts components", async () => {
    const facts = await collectSoftwareDarwin.collect(new ReplayRunner(bundle));
    expect(facts.sources).toEqual(["app", "pkgutil", "homebrew"]);
    const installed = facts.titles.filter((t) => t.scope === "installed");
    const apps = installed.filter((t) => t.sources[0] === "app");
    expect(apps).toHaveLength(49);
    expect(facts.titles.find((t) => t.key === "wireshark")).toEqual(WIRESHARK_TITLE);
    // The apps IT decides on: every installed app whose identity is not Apple's (platform-signed or from the App Store).
    const notApple = apps.filter((t) => t.identity.origin !== "apple" && t.identity.origin !== "mac-app-store").map((t) => t.key);
    expect(notApple.sort()).toEqual([...MAC_2024_APPS_FOR_IT, "wireshark"].sort());
    // Printer and fax filters, scanner drivers, helpers nested in bundles or under Application Support, Adobe's GUID
    // uninstaller and every receipt stay out of the allowlist's way (deny rules still see them).
    const components = facts.titles.filter((t) => t.scope === "component").map((t) => t.key);
    for (const key of [
      "rastertoepfax",
      "epsonfax",
      "hp utility",
      "epson scanner",
      "f-secure xfence configuration",
      "microsoft autoupdate",
      "uninstall",
      "{f0915e53-c75d-4ff2-adcb-4d4db79927f6}",
      "com.symantec.smc",
    ]) {
      expect(components, key).toContain(key);
    }
    expect(facts.titles.filter((t) => t.sources.includes("pkgutil")).every((t) => t.scope === "component")).toBe(true);
    // brew info was not recorded for this Mac: its formulae cannot be judged by tap, only denied by name.
    const formulae = installed.filter((t) => t.sources[0] === "homebrew");
    expect(formulae).toHaveLength(86);
    expect(new Set(formulae.map((t) => t.unknown))).toEqual(
      new Set(["Homebrew tap unknown: brew info --json=v2 not available (not recorded)"]),
    );
  });
});
