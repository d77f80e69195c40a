// A synthetic 5,000-package inventory and 500-rule software policy, shaped like real ones (dpkg, snap, flatpak, macOS apps, Windows entries; exact names, globs, publishers, versions).
import type { InstalledPackage, SoftwareTitle } from "@wegroup/agent";
import { SoftwarePolicy, type SoftwareRule } from "@wegroup/shared";

/** Each package as a title of its own (the evaluator's worst case: no folding), its publisher taken as verified. */
export function asTitles(packages: readonly InstalledPackage[]): SoftwareTitle[] {
  return packages.map((p) => {
    const title: SoftwareTitle = {
      key: p.name.toLowerCase(),
      name: p.name,
      versions: [p.version],
      sources: [p.source],
      ids: [p.name],
      identity: {},
      scope: "installed",
    };
    if (p.bundleId !== undefined) title.bundleId = p.bundleId;
    if (p.publisher !== undefined) title.identity.publisher = p.publisher;
    return title;
  });
}

const WORDS = [
  "gtk",
  "xml",
  "ssl",
  "curl",
  "png",
  "jpeg",
  "glib",
  "dbus",
  "pulse",
  "alsa",
  "x11",
  "wayland",
  "mesa",
  "drm",
  "icu",
  "zstd",
  "lzma",
  "bz2",
  "ffi",
  "gcrypt",
  "gnutls",
  "krb5",
  "ldap",
  "sasl",
  "nss",
  "pango",
  "cairo",
  "harfbuzz",
  "fontconfig",
  "freetype",
  "sqlite",
  "systemd",
  "udev",
  "usb",
  "pci",
  "cap",
  "acl",
  "attr",
  "audit",
  "selinux",
  "pam",
  "uuid",
  "blkid",
  "mount",
  "ncurses",
  "readline",
  "edit",
  "tinfo",
  "pcre",
  "yaml",
];
const VENDORS = [
  "Adobe",
  "Google",
  "Mozilla",
  "Microsoft",
  "Zoom Video",
  "Slack Technologies",
  "JetBrains",
  "Oracle",
  "Citrix",
  "Cisco",
  "Dell",
  "Lenovo",
  "HP",
  "Logitech",
  "Notion Labs",
  "Dropbox",
  "1Password",
  "Docker",
  "Postman",
  "Atlassian",
];

/** A small deterministic PRNG (mulberry32): the same inventory every run, so runs compare. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pickFrom = <T>(list: readonly T[], r: () => number): T => list[Math.floor(r() * list.length)] as T;

export function syntheticInventory(size = 5_000): InstalledPackage[] {
  const r = prng(42);
  const out: InstalledPackage[] = [];
  for (let i = 0; out.length < size; i++) {
    const word = pickFrom(WORDS, r);
    const vendor = pickFrom(VENDORS, r);
    const version = `${1 + Math.floor(r() * 9)}.${Math.floor(r() * 20)}.${Math.floor(r() * 30)}`;
    const kind = i % 20;
    if (kind < 14) {
      const name = [`lib${word}${i % 7}`, `python3-${word}-${i}`, `${word}-common`, `${word}-utils-${i}`][i % 4] as string;
      out.push({
        name,
        version: `${version}-1ubuntu${i % 3}`,
        source: "dpkg",
        publisher: "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>",
        arch: "amd64",
      });
    } else if (kind === 14)
      out.push({ name: `${word}-snap-${i}`, version, source: "snap", publisher: i % 2 === 0 ? "canonical✓" : vendor.toLowerCase() });
    else if (kind === 15)
      out.push({
        name: `${vendor} ${word}`,
        version,
        source: "flatpak",
        bundleId: `${i % 2 === 0 ? "org.gnome" : "com.vendor"}.${word}${i}`,
      });
    else if (kind < 18)
      out.push({
        name: `${vendor} ${word} ${i}`,
        version,
        source: "app",
        bundleId: `com.${vendor.toLowerCase().replace(/\W/g, "")}.${word}${i}`,
        publisher: vendor,
      });
    else out.push({ name: `${vendor} ${word} Tool ${version}`, version, source: "registry", publisher: `${vendor} Inc.`, arch: "x64" });
  }
  // A few prohibited tools, so that the evaluation produces violations as it would on a real fleet.
  out.splice(
    100,
    3,
    { name: "nmap", version: "7.94", source: "dpkg" },
    { name: "wireshark-qt", version: "4.2.2", source: "dpkg" },
    { name: "John the Ripper 1.9", version: "1.9", source: "registry" },
  );
  return out;
}

/** The policy as validated: see syntheticPolicyInput. */
export function syntheticPolicy(rules = 500): SoftwarePolicy {
  return SoftwarePolicy.parse(syntheticPolicyInput(rules));
}

/**
 * The policy document as pushed (before validation). A `salt` is appended to every pattern, so that a policy of
 * the same shape brings patterns the process has not compiled yet.
 */
export function syntheticPolicyInput(rules = 500, salt = ""): { mode: "allowlist"; allow: SoftwareRule[]; deny: SoftwareRule[] } {
  const r = prng(7);
  const deny: SoftwareRule[] = [];
  const allow: SoftwareRule[] = [];
  const denyCount = Math.round(rules / 10);
  for (let i = 0; i < denyCount; i++) {
    const tool = ["nmap", "masscan", "wireshark*", "tshark", "john*", "hashcat", "hydra", "aircrack-ng*", "ettercap*", "tcpdump"][
      i % 10
    ] as string;
    deny.push(
      i % 5 === 4
        ? { id: `deny-${i}`, name: `${tool.replace("*", "")}-legacy`, version: "<2.0", reason: "outdated" }
        : { id: `deny-${i}`, name: i < 10 ? tool : `${tool}-${i}`, reason: "prohibited tool" },
    );
  }
  for (let i = 0; allow.length < rules - denyCount; i++) {
    const word = pickFrom(WORDS, r);
    const vendor = pickFrom(VENDORS, r);
    switch (i % 9) {
      case 0:
      case 1:
      case 2:
        allow.push({ id: `allow-${i}`, name: `lib${word}${i % 7}` });
        break;
      case 3:
        allow.push({ id: `allow-${i}`, name: `python3-${word}-*`, source: "dpkg" });
        break;
      case 4:
        allow.push({ id: `allow-${i}`, publisher: `${vendor}*` });
        break;
      case 5:
        allow.push({ id: `allow-${i}`, bundleId: `com.${vendor.toLowerCase().replace(/\W/g, "")}.*` });
        break;
      case 6:
        allow.push({ id: `allow-${i}`, name: `${word}-utils-*`, version: ">=1.0 <9.5" });
        break;
      case 7:
        allow.push({ id: `allow-${i}`, name: `*${word}*`, source: "flatpak" });
        break;
      default:
        allow.push({ id: `allow-${i}`, name: `${vendor} ${word}*` });
    }
  }
  if (salt !== "") {
    for (const rule of [...allow, ...deny]) {
      for (const field of ["name", "publisher", "bundleId"] as const) {
        const pattern = rule[field];
        if (pattern !== undefined) rule[field] = `${pattern}${salt}`;
      }
    }
  }
  return { mode: "allowlist", allow, deny };
}
