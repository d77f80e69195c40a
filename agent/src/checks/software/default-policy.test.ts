import { DEFAULT_DENIED_TOOLS, DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { decodeText } from "../../runner/decode.js";
import { fixture } from "../../testing/fixtures.js";
import { evaluateSoftware, judgePackage } from "./evaluate.js";
import type { InstalledPackage, SoftwareFacts } from "./facts.js";
import { parseDpkg } from "./parse/dpkg.js";
import { parseFlatpakList } from "./parse/flatpak.js";
import { parseRpm } from "./parse/rpm.js";
import { parseSnapList } from "./parse/snap.js";

const policy = DEFAULT_POLICY.software;
const facts = (packages: InstalledPackage[]): SoftwareFacts => ({ packages, sources: [...new Set(packages.map((p) => p.source))], problems: [] });
const verdict = (pkg: InstalledPackage) => evaluateSoftware(facts([pkg]), policy);

describe("the built-in default policy", () => {
  it.each([
    "debian-12-container-dpkg-query-name-version-maintainer-nmap-tcpdump.tsv",
    "debian-12-container-dpkg-query-status-arch-source-nmap-tcpdump.tsv",
    "debian-12-container-dpkg-l-nmap-tcpdump.txt",
  ])("flags exactly nmap, nmap-common and tcpdump among the 926 Debian 12 packages of %s", (file) => {
    const packages = parseDpkg(decodeText(fixture(`linux/dpkg/${file}`)), file);
    expect(packages).toHaveLength(926);
    const result = evaluateSoftware(facts(packages), policy);
    expect(result.status).toBe("fail");
    expect(result.violations.map((v) => [v.subject, v.rule])).toEqual([
      ["nmap", "nmap"],
      ["nmap-common", "nmap"],
      ["tcpdump", "tcpdump"],
    ]);
  });

  it("flags nothing among the 308 CentOS 7.7 rpm packages of centos-7.7-vm-rpm-qai-trimmed.txt", () => {
    const packages = parseRpm(decodeText(fixture("linux/rpm/centos-7.7-vm-rpm-qai-trimmed.txt")), "rpm -qai");
    expect(packages).toHaveLength(308);
    expect(evaluateSoftware(facts(packages), policy)).toEqual({ check: "software", status: "pass", violations: [] });
  });

  it("approves Canonical's snaps (ubuntu-snap-list-all-lxd-disabled-revision.txt)", () => {
    const packages = parseSnapList(decodeText(fixture("linux/snap/ubuntu-snap-list-all-lxd-disabled-revision.txt")));
    expect(evaluateSoftware(facts(packages), policy).status).toBe("pass");
  });

  it("approves the Flatpak runtime but not third-party applications (user-installation-apps-and-runtimes.flatpak-list.txt)", () => {
    const packages = parseFlatpakList(decodeText(fixture("linux/flatpak/user-installation-apps-and-runtimes.flatpak-list.txt")));
    const result = evaluateSoftware(facts(packages), policy);
    expect(result.violations.map((v) => v.subject)).toEqual(["Bottles", "Discord", "Flatseal", "FreeTube", "Jellyfin Media Player", "MeshLab"]);
    expect(result.violations.every((v) => v.rule === "unapproved")).toBe(true);
  });

  it.each([
    ["a Windows DisplayName with its version", { name: "Nmap 7.92", version: "7.92", source: "registry", publisher: "Nmap Project" }, "nmap"],
    ["a Windows DisplayName with version and bitness", { name: "Wireshark 4.0.3 64-bit", version: "4.0.3", source: "registry", publisher: "The Wireshark developer community, https://www.wireshark.org" }, "wireshark"],
    ["a Homebrew formula", { name: "nmap", version: "7.95", source: "homebrew" }, "nmap"],
    ["a Flatpak by its application id", { name: "Wireshark", version: "4.2.0", source: "flatpak", bundleId: "org.wireshark.Wireshark" }, "wireshark"],
    ["a Flatpak whose name column was missing", { name: "Wireshark", version: "", source: "flatpak", bundleId: "org.wireshark.Wireshark" }, "wireshark"],
    ["a macOS application bundle", { name: "Wireshark", version: "4.2.0", source: "app", bundleId: "org.wireshark.Wireshark" }, "wireshark"],
    ["a macOS application bundle named by its folder", { name: "Wireshark.app", version: "4.2.0", source: "app", bundleId: "org.wireshark.Wireshark" }, "wireshark"],
    ["a renamed macOS application, by bundle id alone", { name: "Packet Viewer", version: "4.2.0", source: "app", bundleId: "org.wireshark.Wireshark" }, "wireshark"],
    ["a Debian package the distribution signs", { name: "wireshark-qt", version: "4.0.11-1~deb12u1", source: "dpkg" }, "wireshark"],
    ["a tool published by an allowed publisher", { name: "john", version: "1.9.0", source: "registry", publisher: "Microsoft Corporation" }, "john"],
  ] as [string, InstalledPackage, string][])("denies %s", (_what, pkg, rule) => {
    const result = verdict(pkg);
    expect(result.status).toBe("fail");
    expect(result.violations).toEqual([expect.objectContaining({ subject: pkg.name, rule })]);
  });

  it.each([
    ["Microsoft Edge", { name: "Microsoft Edge", version: "118.0.2088.76", source: "registry", publisher: "Microsoft Corporation" }],
    ["Google Chrome", { name: "Google Chrome", version: "118.0.5993.118", source: "registry", publisher: "Google LLC" }],
    ["Safari", { name: "Safari", version: "17.0", source: "app", bundleId: "com.apple.Safari" }],
    ["Slack on macOS", { name: "Slack", version: "4.35.126", source: "app", bundleId: "com.tinyspeck.slackmacgap" }],
    ["the Firefox snap", { name: "firefox", version: "118.0.1-1", source: "snap", publisher: "mozilla" }],
    ["a Fedora rpm", { name: "bash", version: "5.2.15-5.fc38", source: "rpm", publisher: "Fedora Project" }],
  ] as [string, InstalledPackage][])("approves %s", (_what, pkg) => {
    expect(verdict(pkg)).toEqual({ check: "software", status: "pass", violations: [] });
  });

  it("denies every tool on the list under each of its literal names, with the tool's id", () => {
    for (const rule of policy.deny) {
      if (rule.name === undefined || /[*?[\]{}]/.test(rule.name)) continue;
      const judged = judgePackage({ name: rule.name, version: "1.0", source: "dpkg" }, policy);
      expect(judged, rule.name).toMatchObject({ kind: "denied", rule: { id: rule.id } });
    }
    expect(new Set(policy.deny.map((r) => r.id))).toEqual(new Set(DEFAULT_DENIED_TOOLS));
  });
});
