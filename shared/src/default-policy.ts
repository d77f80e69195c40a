// The built-in policy: WeGroup's security policy 2.1, practical on a clean mainstream OS.
import { Policy, type SoftwareRule } from "./policy.js";

/**
 * One deny entry per tool, expanded to a rule per name it really carries: the dpkg/rpm/snap/
 * Homebrew package, the macOS app and the Windows Uninstall DisplayName (matched after its
 * version and architecture suffix are removed, so "Nmap 7.92" matches "nmap").
 */
interface Tool {
  id: string;
  reason: string;
  names: readonly string[];
  bundleIds?: readonly string[];
}

const TOOLS: readonly Tool[] = [
  { id: "nmap", reason: "port scanner", names: ["nmap", "nmap-common", "nmapsi4", "nmap-*"] },
  { id: "zenmap", reason: "port scanner (Nmap GUI)", names: ["zenmap", "zenmap-*"], bundleIds: ["org.insecure.nmap.zenmap", "org.insecure.Zenmap"] },
  { id: "masscan", reason: "port scanner", names: ["masscan"] },
  { id: "zmap", reason: "port scanner", names: ["zmap"] },
  { id: "rustscan", reason: "port scanner", names: ["rustscan"] },
  { id: "unicornscan", reason: "port scanner", names: ["unicornscan"] },
  { id: "hping3", reason: "packet crafting and port scanning", names: ["hping3", "hping"] },
  { id: "angry-ip-scanner", reason: "network scanner", names: ["ipscan", "angry ip scanner*", "angryipscanner"], bundleIds: ["org.angryip.ipscan"] },
  { id: "advanced-ip-scanner", reason: "network scanner", names: ["advanced ip scanner*"] },
  { id: "wireshark", reason: "network sniffer", names: ["wireshark", "wireshark-*", "wireshark*"], bundleIds: ["org.wireshark.Wireshark"] },
  { id: "tshark", reason: "network sniffer", names: ["tshark"] },
  { id: "termshark", reason: "network sniffer", names: ["termshark"] },
  { id: "tcpdump", reason: "network sniffer", names: ["tcpdump"] },
  { id: "ettercap", reason: "sniffer and man-in-the-middle tool", names: ["ettercap", "ettercap-*"] },
  { id: "bettercap", reason: "sniffer and man-in-the-middle tool", names: ["bettercap", "bettercap-*"] },
  { id: "dsniff", reason: "network sniffer", names: ["dsniff"] },
  { id: "ngrep", reason: "network sniffer", names: ["ngrep"] },
  { id: "kismet", reason: "wireless sniffer", names: ["kismet", "kismet-*"] },
  { id: "aircrack-ng", reason: "wireless cracker", names: ["aircrack-ng", "aircrack-ng-*", "aircrack"] },
  { id: "reaver", reason: "wireless cracker", names: ["reaver"] },
  { id: "wifite", reason: "wireless cracker", names: ["wifite"] },
  { id: "john", reason: "password cracker", names: ["john", "john-data", "john-jumbo", "john-the-ripper", "john the ripper*"] },
  { id: "hashcat", reason: "password cracker", names: ["hashcat", "hashcat-*"] },
  { id: "hydra", reason: "password cracker", names: ["hydra", "hydra-gtk", "thc-hydra", "thc hydra*"] },
  { id: "medusa", reason: "password cracker", names: ["medusa"] },
  { id: "ncrack", reason: "password cracker", names: ["ncrack"] },
  { id: "ophcrack", reason: "password cracker", names: ["ophcrack", "ophcrack-*"] },
  { id: "rainbowcrack", reason: "password cracker", names: ["rainbowcrack"] },
  { id: "fcrackzip", reason: "password cracker", names: ["fcrackzip"] },
  { id: "cain-and-abel", reason: "password cracker and sniffer", names: ["cain & abel*", "cain and abel*"] },
  { id: "l0phtcrack", reason: "password cracker", names: ["l0phtcrack*"] },
  { id: "mimikatz", reason: "credential theft tool", names: ["mimikatz"] },
  { id: "responder", reason: "credential theft tool (LLMNR/NBT-NS poisoner)", names: ["responder"] },
  { id: "metasploit", reason: "exploitation framework", names: ["metasploit", "metasploit-framework", "metasploit framework*"] },
  { id: "sqlmap", reason: "SQL injection tool", names: ["sqlmap"] },
  { id: "nikto", reason: "web vulnerability scanner", names: ["nikto"] },
  { id: "beef-xss", reason: "browser exploitation framework", names: ["beef-xss"] },
  { id: "yersinia", reason: "layer-2 attack tool", names: ["yersinia"] },
];

function denyRules(): SoftwareRule[] {
  const rules: SoftwareRule[] = [];
  for (const tool of TOOLS) {
    for (const name of new Set(tool.names)) rules.push({ id: tool.id, name, reason: tool.reason });
    for (const bundleId of tool.bundleIds ?? []) rules.push({ id: tool.id, bundleId, reason: tool.reason });
  }
  return rules;
}

/**
 * What a clean install of Debian/Ubuntu/Fedora, macOS or Windows carries, plus the business
 * applications WeGroup uses. Distribution packages come from signed, curated archives; anything
 * else (snaps by unknown publishers, Homebrew, third-party installers) must be approved by IT.
 */
const ALLOW: SoftwareRule[] = [
  { id: "os-packages", source: "dpkg", reason: "distribution package" },
  { id: "os-packages", source: "rpm", reason: "distribution package" },
  { id: "os-snaps", source: "snap", publisher: "canonical*", reason: "snap published by Canonical" },
  { id: "os-snaps", source: "snap", name: "firefox", publisher: "mozilla*", reason: "Firefox snap" },
  { id: "os-flatpak-runtimes", source: "flatpak", bundleId: "org.freedesktop.*", reason: "Flatpak runtime" },
  { id: "os-flatpak-runtimes", source: "flatpak", bundleId: "org.gnome.*", reason: "GNOME application or runtime" },
  { id: "os-flatpak-runtimes", source: "flatpak", bundleId: "org.kde.*", reason: "KDE application or runtime" },
  { id: "os-flatpak-runtimes", source: "flatpak", bundleId: "org.fedoraproject.*", reason: "Fedora application or runtime" },
  { id: "apple", bundleId: "com.apple.*", reason: "shipped by Apple" },
  { id: "apple", source: "app", publisher: "Apple Inc.", reason: "shipped by Apple (signed by Apple)" },
  { id: "microsoft", publisher: "Microsoft*", reason: "shipped by Microsoft" },
  { id: "browsers", name: "*firefox*", reason: "approved browser" },
  { id: "browsers", name: "google chrome*", reason: "approved browser" },
  { id: "browsers", bundleId: "com.google.Chrome", reason: "approved browser" },
  { id: "browsers", bundleId: "org.mozilla.firefox", reason: "approved browser" },
  { id: "business-apps", name: "slack*", reason: "approved business application" },
  { id: "business-apps", bundleId: "com.tinyspeck.slackmacgap", reason: "approved business application" },
  { id: "business-apps", name: "zoom*", reason: "approved business application" },
  { id: "business-apps", bundleId: "us.zoom.xos", reason: "approved business application" },
  { id: "business-apps", name: "1password*", reason: "approved password manager" },
  { id: "business-apps", name: "adobe acrobat*", reason: "approved business application" },
  { id: "business-apps", name: "compliance-agent", reason: "this agent" },
  { id: "business-apps", name: "wegroup compliance agent*", reason: "this agent" },
];

export const DEFAULT_POLICY: Policy = Object.freeze(
  Policy.parse({
    version: 0,
    screenLock: { maxIdleSeconds: 900, requirePassword: true },
    usbStorage: { allowed: false, enforce: "report", exceptions: [] },
    software: { mode: "allowlist", allow: ALLOW, deny: denyRules() },
    heartbeatSeconds: 60,
  }),
) as Policy;

/** The ids of every tool the default deny list covers (for docs and tests). */
export const DEFAULT_DENIED_TOOLS: readonly string[] = TOOLS.map((t) => t.id);
