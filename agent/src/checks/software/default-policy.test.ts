import { DEFAULT_DENIED_TOOLS, DEFAULT_DENY_CATEGORIES, DEFAULT_POLICY, DenyCategory } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { decodeText } from "../../runner/decode.js";
import { fixture } from "../../testing/fixtures.js";
import { title } from "../../testing/titles.js";
import { judgeTitle } from "./evaluate.js";
import type { SoftwareTitle } from "./facts.js";

const policy = DEFAULT_POLICY.software;
const verdictOf = (t: SoftwareTitle) => judgeTitle(t, policy).kind;

/** Package names straight from the recordings, each judged as a title of its own (the strictest reading: no folding). */
const dpkgNames = (file: string) =>
  decodeText(fixture(`linux/dpkg/${file}`))
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => line.split("\t")[1]?.replace(/:.*$/, "") ?? "");
const rpmNames = (file: string) =>
  [...decodeText(fixture(`linux/rpm/${file}`)).matchAll(/^Name\s*: (.+)$/gm)].map((m) => (m[1] ?? "").trim());

describe("the built-in default policy", () => {
  it("denies only nmap, nmap-common and tcpdump among the 926 packages of a Debian 12 machine", () => {
    const names = dpkgNames("debian-12-container-dpkg-query-status-arch-source-nmap-tcpdump.tsv");
    expect(names).toHaveLength(926);
    const denied = names.filter((name) => verdictOf(title(name, { sources: ["dpkg"], ids: [name], scope: "dependency" })) === "denied");
    expect(denied).toEqual(["nmap", "nmap-common", "tcpdump"]);
  });

  it("denies nothing among the 308 packages of a CentOS 7.7 machine", () => {
    const names = rpmNames("centos-7.7-vm-rpm-qai-trimmed.txt");
    expect(names).toHaveLength(308);
    expect(names.filter((name) => verdictOf(title(name, { sources: ["rpm"], ids: [name] })) === "denied")).toEqual([]);
  });

  it.each([
    ["a package from Debian's archive", title("bash", { sources: ["dpkg"], identity: { origin: "deb.debian.org/debian" } })],
    [
      "a package from Debian's security archive",
      title("openssl", { sources: ["dpkg"], identity: { origin: "security.debian.org/debian-security" } }),
    ],
    ["a package from a Debian country mirror", title("bash", { sources: ["dpkg"], identity: { origin: "ftp.nl.debian.org/debian" } })],
    ["a package from an Ubuntu country mirror", title("bash", { sources: ["dpkg"], identity: { origin: "nl.archive.ubuntu.com/ubuntu" } })],
    [
      "a Fedora package signed with Fedora's key",
      title("bash", { sources: ["rpm"], identity: { origin: "Fedora (34) <fedora-34-primary@fedoraproject.org>" } }),
    ],
    [
      "a CentOS package signed with CentOS's key",
      title("bash", { sources: ["rpm"], identity: { origin: "CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>" } }),
    ],
    ["a Canonical snap", title("lxd", { sources: ["snap"], identity: { origin: "canonical", publisher: "canonical" } })],
    ["the Firefox snap", title("firefox", { sources: ["snap"], identity: { origin: "mozilla", publisher: "mozilla" } })],
    [
      "Chrome from Google's repository",
      title("google-chrome-stable", {
        sources: ["dpkg"],
        ids: ["google-chrome-stable"],
        identity: { origin: "dl.google.com/linux/chrome/deb" },
      }),
    ],
    [
      "an Apple-signed app",
      title("Safari", { bundleId: "com.apple.Safari", identity: { signer: "Software Signing", publisher: "Apple Inc." } }),
    ],
    [
      "Apple's App Store app",
      title("GarageBand", {
        bundleId: "com.apple.garageband",
        identity: { signer: "Apple Mac OS Application Signing", origin: "mac-app-store" },
      }),
    ],
    [
      "Chrome for Mac by its team",
      title("Google Chrome", {
        bundleId: "com.google.Chrome",
        identity: { teamId: "EQHXZ8M8AV", signer: "Developer ID Application: Google LLC (EQHXZ8M8AV)" },
      }),
    ],
    ["Office for Mac by its team", title("Microsoft Word", { identity: { teamId: "UBF8T346G9" } })],
    ["a Homebrew core formula", title("jq", { sources: ["homebrew"], identity: { origin: "homebrew/core" } })],
    [
      "a Windows program signed by Microsoft",
      title("Microsoft Edge", { sources: ["registry"], identity: { signer: "Microsoft Corporation", publisher: "Microsoft Corporation" } }),
    ],
    [
      "a Store app by Microsoft",
      title("Microsoft.WindowsTerminal", {
        sources: ["appx"],
        identity: { publisher: "Microsoft Corporation", origin: "microsoft-store" },
      }),
    ],
    ["Zoom on Windows by its signer", title("Zoom", { sources: ["registry"], identity: { signer: "Zoom Video Communications, Inc." } })],
  ])("approves %s by identity", (_what, t) => {
    expect(verdictOf(t)).toBe("approved");
  });

  it.each([
    ["any .deb installed from a file", title("google-chrome-stable", { sources: ["dpkg"], identity: { origin: "local" } })],
    ["TeamViewer from its own repository", title("teamviewer", { sources: ["dpkg"], identity: { origin: "linux.teamviewer.com/deb" } })],
    [
      "VS Code from Microsoft's repository (approve it by origin if IT wants it)",
      title("code", { sources: ["dpkg"], identity: { origin: "packages.microsoft.com/repos/code" } }),
    ],
    ["a look-alike Debian mirror", title("bash", { sources: ["dpkg"], identity: { origin: "ftp.nl.debian.org.evil.example/debian" } })],
    [
      "a third-party rpm (Brave's key)",
      title("brave-browser", { sources: ["rpm"], identity: { origin: "Brave Software <support@brave.com>" } }),
    ],
    [
      "AnyDesk whose Publisher says Microsoft Corporation",
      title("AnyDesk", {
        sources: ["registry"],
        declaredPublisher: "Microsoft Corporation",
        identity: { signer: "philandro Software GmbH", publisher: "philandro Software GmbH" },
      }),
    ],
    [
      "an unsigned entry whose Publisher says Microsoft Corporation",
      title("AnyDesk", { sources: ["registry"], declaredPublisher: "Microsoft Corporation" }),
    ],
    [
      "a Windows program named like Chrome without Google's signature",
      title("Google Chrome", { sources: ["registry"], declaredPublisher: "Google LLC" }),
    ],
    [
      "a third-party App Store app",
      title("Things", {
        bundleId: "com.culturedcode.ThingsMac",
        identity: { signer: "Apple Mac OS Application Signing", origin: "mac-app-store" },
      }),
    ],
    [
      "an app claiming an Apple bundle id with a Developer ID signature",
      title("Safari", {
        bundleId: "com.apple.Safari",
        identity: { signer: "Developer ID Application: Someone (ABCDE12345)", teamId: "ABCDE12345" },
      }),
    ],
    ["a Homebrew cask", title("iTerm2", { sources: ["homebrew"], identity: { origin: "homebrew/cask" } })],
    ["a Homebrew formula from a third-party tap", title("tool", { sources: ["homebrew"], identity: { origin: "someone/tap" } })],
    ["a snap from another publisher", title("spotify", { sources: ["snap"], identity: { origin: "spotify", publisher: "spotify" } })],
    ["AnyDesk (remote access IT has not approved)", title("AnyDesk", { sources: ["app"], identity: { teamId: "KU6W3B6JMZ" } })],
  ])("does not approve %s", (_what, t) => {
    expect(verdictOf(t)).toBe("unapproved");
  });

  it.each([
    "arp-scan",
    "netdiscover",
    "ettercap",
    "bettercap",
    "mitmproxy",
    "sslstrip",
    "ntopng",
    "iftop",
    "iptraf-ng",
    "nethogs",
    "snort",
    "suricata",
    "zeek",
    "netsniff-ng",
    "ncat",
    "gobuster",
    "ffuf",
    "dirb",
    "wfuzz",
    "patator",
    "crunch",
    "pdfcrack",
  ])("denies %s, even from the distribution's archive", (name) => {
    expect(
      judgeTitle(title(name, { sources: ["dpkg"], ids: [name], identity: { origin: "deb.debian.org/debian" } }), policy),
    ).toMatchObject({ kind: "denied" });
  });

  it.each([
    ["Burp Suite", "Burp Suite Community Edition 2023.10.3.7", "interception-proxy"],
    ["Fiddler", "Progress Telerik Fiddler Classic", "interception-proxy"],
    ["Charles", "Charles 4.6.4", "interception-proxy"],
    ["OWASP ZAP", "OWASP ZAP 2.14.0", "interception-proxy"],
    ["Microsoft Network Monitor", "Microsoft Network Monitor 3.4", "sniffer"],
    ["Npcap", "Npcap", "sniffer"],
    ["Cain", "Cain & Abel v4.9.56", "password-cracker"],
    ["Wireshark", "Wireshark 4.0.3 (x64)", "sniffer"],
  ])("denies %s on Windows under its DisplayName, signed by Microsoft or not, naming the category", (_what, displayName, category) => {
    const t = title(displayName, {
      sources: ["registry"],
      identity: { signer: "Microsoft Corporation", publisher: "Microsoft Corporation" },
    });
    expect(judgeTitle(t, policy)).toMatchObject({ kind: "denied", rule: { category } });
  });

  it("leaves remote-access tools unapproved, not denied", () => {
    for (const name of ["AnyDesk", "TeamViewer", "RustDesk"]) expect(verdictOf(title(name, { sources: ["registry"] }))).toBe("unapproved");
  });

  it("denies every tool on the list under each of its literal names, with the tool's id and a category", () => {
    for (const rule of policy.deny) {
      expect(rule.category, rule.id).toBeDefined();
      if (rule.name === undefined || /[*?]/.test(rule.name)) continue;
      expect(judgeTitle(title(rule.name, { sources: ["dpkg"], ids: [rule.name] }), policy), rule.name).toMatchObject({
        kind: "denied",
        rule: { id: rule.id },
      });
    }
    expect(new Set(policy.deny.map((r) => r.id))).toEqual(new Set(DEFAULT_DENIED_TOOLS));
  });

  it("covers every prohibited activity the security policy names", () => {
    for (const category of [
      "port-scanner",
      "password-cracker",
      "sniffer",
      "network-monitor",
      "interception-proxy",
      "exploitation",
    ] as DenyCategory[]) {
      expect(DEFAULT_DENY_CATEGORIES).toContain(category);
    }
    expect(DEFAULT_DENY_CATEGORIES.every((c) => DenyCategory.options.includes(c))).toBe(true);
  });

  it("approves nothing by name or package source alone, but the agent itself", () => {
    for (const rule of policy.allow) {
      const identity = rule.teamId ?? rule.signer ?? rule.origin ?? rule.publisher;
      if (identity === undefined) expect(rule.id).toBe("compliance-agent");
    }
  });
});
