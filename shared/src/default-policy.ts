// The built-in policy: WeGroup's security policy 2.1 — OS vendors approved by identity, prohibited tools denied by category. docs/default-policy.md says why.
import { Policy, type DenyCategory, type SoftwareRule } from "./policy.js";

/**
 * One deny entry per tool, expanded to a rule per name it really carries: the dpkg/rpm/snap/Homebrew package,
 * the macOS app, the Windows Uninstall DisplayName (matched after its version and architecture suffix are removed,
 * so "Nmap 7.92" matches "nmap"), and bundle ids. Deny rules judge every title, dependencies and hidden components too.
 */
interface Tool {
  id: string;
  category: DenyCategory;
  reason: string;
  names: readonly string[];
  bundleIds?: readonly string[];
}

const TOOLS: readonly Tool[] = [
  // port and network scanners
  { id: "nmap", category: "port-scanner", reason: "Nmap port scanner", names: ["nmap", "nmap-common", "nmapsi4", "nmap-*"] },
  {
    id: "zenmap",
    category: "port-scanner",
    reason: "Nmap's GUI",
    names: ["zenmap", "zenmap-*"],
    bundleIds: ["org.insecure.nmap.zenmap", "org.insecure.Zenmap"],
  },
  { id: "ncat", category: "port-scanner", reason: "Nmap's netcat (port scanning and relaying)", names: ["ncat"] },
  { id: "masscan", category: "port-scanner", reason: "mass port scanner", names: ["masscan"] },
  { id: "zmap", category: "port-scanner", reason: "internet-wide port scanner", names: ["zmap"] },
  { id: "rustscan", category: "port-scanner", reason: "port scanner", names: ["rustscan"] },
  { id: "unicornscan", category: "port-scanner", reason: "port scanner", names: ["unicornscan"] },
  { id: "hping3", category: "port-scanner", reason: "packet crafting and port scanning", names: ["hping3", "hping"] },
  {
    id: "angry-ip-scanner",
    category: "network-scanner",
    reason: "network scanner",
    names: ["ipscan", "angry ip scanner*", "angryipscanner"],
    bundleIds: ["org.angryip.ipscan"],
  },
  { id: "advanced-ip-scanner", category: "network-scanner", reason: "network scanner", names: ["advanced ip scanner*"] },
  { id: "arp-scan", category: "network-scanner", reason: "ARP network scanner", names: ["arp-scan"] },
  { id: "netdiscover", category: "network-scanner", reason: "ARP network scanner", names: ["netdiscover"] },
  // sniffers and capture drivers
  {
    id: "wireshark",
    category: "sniffer",
    reason: "packet sniffer",
    names: ["wireshark", "wireshark-*", "wireshark*"],
    bundleIds: ["org.wireshark.Wireshark"],
  },
  { id: "tshark", category: "sniffer", reason: "Wireshark's command-line sniffer", names: ["tshark"] },
  { id: "termshark", category: "sniffer", reason: "packet sniffer", names: ["termshark"] },
  { id: "tcpdump", category: "sniffer", reason: "packet sniffer", names: ["tcpdump"] },
  { id: "dsniff", category: "sniffer", reason: "password sniffer", names: ["dsniff"] },
  { id: "ngrep", category: "sniffer", reason: "packet sniffer", names: ["ngrep"] },
  { id: "netsniff-ng", category: "sniffer", reason: "packet sniffer", names: ["netsniff-ng"] },
  {
    id: "cocoa-packet-analyzer",
    category: "sniffer",
    reason: "packet sniffer for macOS",
    names: ["cocoapacketanalyzer", "cocoa packet analyzer"],
    bundleIds: ["com.tastycocoa.CocoaPacketAnalyzer"],
  },
  { id: "kismet", category: "sniffer", reason: "wireless sniffer", names: ["kismet", "kismet-*"] },
  {
    id: "microsoft-network-monitor",
    category: "sniffer",
    reason: "Microsoft's packet sniffer",
    names: ["microsoft network monitor*", "microsoft message analyzer*"],
  },
  {
    id: "npcap",
    category: "sniffer",
    reason: "packet capture driver (lets any program sniff)",
    names: ["npcap", "npcap *", "winpcap", "winpcap *"],
  },
  // network monitors
  { id: "ntopng", category: "network-monitor", reason: "network traffic monitor", names: ["ntopng", "ntop"] },
  { id: "iftop", category: "network-monitor", reason: "network traffic monitor", names: ["iftop"] },
  { id: "iptraf-ng", category: "network-monitor", reason: "network traffic monitor", names: ["iptraf-ng", "iptraf"] },
  { id: "nethogs", category: "network-monitor", reason: "per-process network monitor", names: ["nethogs"] },
  {
    id: "snort",
    category: "network-monitor",
    reason: "network intrusion detection (inspects others' traffic)",
    names: ["snort", "snort3", "snort *"],
  },
  { id: "suricata", category: "network-monitor", reason: "network intrusion detection (inspects others' traffic)", names: ["suricata"] },
  { id: "zeek", category: "network-monitor", reason: "network traffic analyser", names: ["zeek", "bro"] },
  // interception proxies and man-in-the-middle tools
  { id: "ettercap", category: "interception-proxy", reason: "man-in-the-middle tool", names: ["ettercap", "ettercap-*"] },
  { id: "bettercap", category: "interception-proxy", reason: "man-in-the-middle tool", names: ["bettercap", "bettercap-*"] },
  {
    id: "mitmproxy",
    category: "interception-proxy",
    reason: "TLS interception proxy",
    names: ["mitmproxy"],
    bundleIds: ["org.mitmproxy.*"],
  },
  { id: "sslstrip", category: "interception-proxy", reason: "HTTPS downgrade attack", names: ["sslstrip"] },
  {
    id: "burp-suite",
    category: "interception-proxy",
    reason: "web interception proxy",
    names: ["burp suite*", "burpsuite*"],
    bundleIds: ["com.install4j.*burp*", "burp*"],
  },
  {
    id: "fiddler",
    category: "interception-proxy",
    reason: "web interception proxy",
    names: ["fiddler", "fiddler *", "progress telerik fiddler*", "telerik fiddler*"],
    bundleIds: ["com.telerik.fiddler*", "com.progress.fiddler*"],
  },
  {
    id: "charles",
    category: "interception-proxy",
    reason: "web interception proxy",
    names: ["charles", "charles proxy*"],
    bundleIds: ["com.xk72.Charles"],
  },
  {
    id: "zap",
    category: "interception-proxy",
    reason: "OWASP ZAP web interception proxy",
    names: ["zaproxy", "owasp zap", "owasp zap*", "zap"],
    bundleIds: ["org.zaproxy.zap"],
  },
  // password crackers
  {
    id: "john",
    category: "password-cracker",
    reason: "John the Ripper",
    names: ["john", "john-data", "john-jumbo", "john-the-ripper", "john the ripper*"],
  },
  { id: "hashcat", category: "password-cracker", reason: "password cracker", names: ["hashcat", "hashcat-*"] },
  {
    id: "hydra",
    category: "password-cracker",
    reason: "online password cracker",
    names: ["hydra", "hydra-gtk", "thc-hydra", "thc hydra*"],
  },
  { id: "medusa", category: "password-cracker", reason: "online password cracker", names: ["medusa"] },
  { id: "ncrack", category: "password-cracker", reason: "online password cracker", names: ["ncrack"] },
  { id: "patator", category: "password-cracker", reason: "online password cracker", names: ["patator"] },
  { id: "ophcrack", category: "password-cracker", reason: "password cracker", names: ["ophcrack", "ophcrack-*"] },
  { id: "rainbowcrack", category: "password-cracker", reason: "password cracker", names: ["rainbowcrack"] },
  { id: "fcrackzip", category: "password-cracker", reason: "ZIP password cracker", names: ["fcrackzip"] },
  { id: "pdfcrack", category: "password-cracker", reason: "PDF password cracker", names: ["pdfcrack"] },
  { id: "crunch", category: "password-cracker", reason: "password wordlist generator", names: ["crunch"] },
  { id: "cain-and-abel", category: "password-cracker", reason: "password cracker and sniffer", names: ["cain & abel*", "cain and abel*"] },
  { id: "l0phtcrack", category: "password-cracker", reason: "password cracker", names: ["l0phtcrack*"] },
  { id: "aircrack-ng", category: "wireless-attack", reason: "wireless key cracker", names: ["aircrack-ng", "aircrack-ng-*", "aircrack"] },
  { id: "reaver", category: "wireless-attack", reason: "WPS PIN cracker", names: ["reaver"] },
  { id: "wifite", category: "wireless-attack", reason: "wireless attack automation", names: ["wifite"] },
  // credential theft and exploitation
  { id: "mimikatz", category: "credential-theft", reason: "credential dumping", names: ["mimikatz"] },
  { id: "responder", category: "credential-theft", reason: "LLMNR/NBT-NS poisoner", names: ["responder"] },
  {
    id: "metasploit",
    category: "exploitation",
    reason: "exploitation framework",
    names: ["metasploit", "metasploit-framework", "metasploit framework*"],
  },
  { id: "sqlmap", category: "exploitation", reason: "SQL injection tool", names: ["sqlmap"] },
  { id: "beef-xss", category: "exploitation", reason: "browser exploitation framework", names: ["beef-xss"] },
  { id: "yersinia", category: "exploitation", reason: "layer-2 attack tool", names: ["yersinia"] },
  // web scanners and fuzzers
  { id: "nikto", category: "vulnerability-scanner", reason: "web vulnerability scanner", names: ["nikto"] },
  { id: "gobuster", category: "vulnerability-scanner", reason: "web content brute-forcer", names: ["gobuster"] },
  { id: "ffuf", category: "vulnerability-scanner", reason: "web fuzzer", names: ["ffuf"] },
  { id: "dirb", category: "vulnerability-scanner", reason: "web content brute-forcer", names: ["dirb", "dirbuster"] },
  { id: "wfuzz", category: "vulnerability-scanner", reason: "web fuzzer", names: ["wfuzz"] },
];

function denyRules(): SoftwareRule[] {
  const rules: SoftwareRule[] = [];
  for (const tool of TOOLS) {
    const base = { id: tool.id, category: tool.category, reason: tool.reason };
    for (const name of new Set(tool.names)) rules.push({ ...base, name });
    for (const bundleId of tool.bundleIds ?? []) rules.push({ ...base, bundleId });
  }
  return rules;
}

/**
 * The OS vendors' own software, approved by identity (never by name or by the publisher text an installer writes),
 * and the business applications WeGroup uses, by their signing team, Authenticode signer or repository.
 */
const ALLOW: SoftwareRule[] = [
  // Debian and Ubuntu: the distribution archive and its security archive (by repository, not `source: dpkg`).
  ...[
    "deb.debian.org/debian",
    "deb.debian.org/debian-security",
    "security.debian.org",
    "security.debian.org/debian-security",
    "ftp.??.debian.org/debian",
    "httpredir.debian.org/debian",
  ].map((origin): SoftwareRule => ({ id: "os-archive", origin, reason: "Debian's archive" })),
  ...["archive.ubuntu.com/ubuntu", "??.archive.ubuntu.com/ubuntu", "security.ubuntu.com/ubuntu", "ports.ubuntu.com/ubuntu-ports"].map(
    (origin): SoftwareRule => ({ id: "os-archive", origin, reason: "Ubuntu's archive" }),
  ),
  // RPM distributions: packages signed with the distribution's own key (the key's user id, as rpm imported it).
  ...[
    "Fedora * <fedora-*@fedoraproject.org>",
    "CentOS* <security@centos.org>",
    "Red Hat, Inc. * <security@redhat.com>",
    "Rocky Enterprise Software Foundation* <releng@rockylinux.org>",
    "AlmaLinux* <packager@almalinux.org>",
    "openSUSE Project Signing Key <opensuse@opensuse.org>",
    "Mageia Packages <packages@mageia.org>",
  ].map((origin): SoftwareRule => ({ id: "os-archive", source: "rpm", origin, reason: "signed by the distribution" })),
  { id: "os-snaps", source: "snap", origin: "canonical", reason: "snap published by Canonical" },
  { id: "os-flatpak", source: "flatpak", origin: "fedora", reason: "Fedora's own Flatpak remote" },
  // macOS: Apple's platform signature, and Apple's own apps from the App Store (the store binds com.apple.* to Apple).
  { id: "apple", signer: "Software Signing", reason: "signed by Apple" },
  { id: "apple", signer: "Apple Mac OS Application Signing", bundleId: "com.apple.*", reason: "Apple's app from the App Store" },
  // Homebrew's core formulae are to a Mac what the archive is to Linux (the deny list still applies).
  { id: "homebrew-core", source: "homebrew", origin: "homebrew/core", reason: "Homebrew's curated core formulae" },
  // Windows: Microsoft's Authenticode signer, and Store/System packages whose certificate Windows verified.
  { id: "microsoft", signer: "Microsoft Corporation", reason: "signed by Microsoft" },
  { id: "microsoft", signer: "Microsoft Windows", reason: "part of Windows" },
  { id: "microsoft", source: "appx", publisher: "Microsoft Corporation", reason: "Microsoft's package" },
  // Business applications, by who signed them.
  { id: "browsers", teamId: "EQHXZ8M8AV", reason: "Google (Chrome)" },
  { id: "browsers", teamId: "43AQ936H96", reason: "Mozilla (Firefox)" },
  { id: "browsers", signer: "Google LLC", reason: "Google (Chrome)" },
  { id: "browsers", signer: "Mozilla Corporation", reason: "Mozilla (Firefox)" },
  { id: "browsers", source: "snap", origin: "mozilla", reason: "Firefox snap published by Mozilla" },
  {
    id: "browsers",
    source: "dpkg",
    origin: "dl.google.com/linux/chrome/deb",
    name: "google-chrome-*",
    reason: "Chrome from Google's repository",
  },
  { id: "business-apps", teamId: "UBF8T346G9", reason: "Microsoft (Office, Teams, Edge for Mac)" },
  { id: "business-apps", teamId: "BQR82RBBHL", reason: "Slack" },
  { id: "business-apps", signer: "Slack Technologies*", reason: "Slack" },
  { id: "business-apps", teamId: "BJ4HAAB9B3", reason: "Zoom" },
  { id: "business-apps", signer: "Zoom Video Communications, Inc.", reason: "Zoom" },
  { id: "business-apps", teamId: "2BUA8C4S2C", reason: "1Password" },
  { id: "business-apps", signer: "AgileBits Inc.", reason: "1Password" },
  { id: "business-apps", teamId: "JQ525L2MZD", reason: "Adobe (Acrobat Reader)" },
  { id: "business-apps", signer: "Adobe Inc.", reason: "Adobe (Acrobat Reader)" },
  // This agent, as its own packages install it.
  { id: "compliance-agent", name: "compliance-agent", reason: "this agent" },
  { id: "compliance-agent", name: "wegroup compliance agent*", reason: "this agent" },
];

export const DEFAULT_POLICY: Policy = Object.freeze(
  Policy.parse({
    version: 0,
    screenLock: { maxIdleSeconds: 900, requirePassword: true },
    usbStorage: { allowed: false, enforce: "report", exceptions: [] },
    software: { mode: "allowlist", allow: ALLOW, deny: denyRules() },
    heartbeatSeconds: 60,
    maxOfflineDays: 14,
  }),
);

/** The ids of every tool the default deny list covers (for docs and tests). */
export const DEFAULT_DENIED_TOOLS: readonly string[] = TOOLS.map((t) => t.id);

/** The prohibited-activity categories the default deny list covers. */
export const DEFAULT_DENY_CATEGORIES: readonly DenyCategory[] = [...new Set(TOOLS.map((t) => t.category))];
