import { describe, expect, it } from "vitest";
import { decodeText } from "../../runner/decode.js";
import { fixture } from "../../testing/fixtures.js";
import type { SoftwareTitle } from "./facts.js";
import { linuxTitles, type AptMarks, type LinuxInventory } from "./merge.linux.js";
import { parseAptCachePolicy } from "./parse/apt-cache-policy.js";
import { parseAptExtendedStates } from "./parse/apt-extended-states.js";
import type { DpkgPackage } from "./parse/dpkg-common.js";
import { parseDpkg } from "./parse/dpkg.js";
import { parseFlatpakList } from "./parse/flatpak.js";
import { parseRpm } from "./parse/rpm.js";
import { parseSnapList } from "./parse/snap.js";

const recorded = (path: string) => decodeText(fixture(`linux/${path}`));
const DEBIAN_12 = parseDpkg(recorded("dpkg/debian-12-container-dpkg-query-status-arch-source-nmap-tcpdump.tsv"), "dpkg-query -W");
const CHROME_CURRENT = recorded("apt-cache-policy/google-chrome-stable-installed-equals-candidate.txt");
const CHROME_OUTDATED = recorded("apt-cache-policy/google-chrome-stable-installed-103-candidate-113.txt");
const CENTOS_KEY_UID = "CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>";

/**
 * An `apt-cache policy` answer in the recorded layout (see the apt-cache-policy fixtures), built for the given
 * packages: each installed version offered by `repository` (or, without one, known only to the dpkg status file).
 * apt prints a native-architecture package without its `:amd64`.
 */
function policyAnswer(packages: readonly DpkgPackage[], repository?: string): string {
  return packages
    .map((p) => {
      const sources = [
        ...(repository !== undefined ? [`        500 ${repository} bookworm/main ${p.arch ?? "amd64"} Packages`] : []),
        "        100 /var/lib/dpkg/status",
      ];
      return [
        `${p.name}:`,
        `  Installed: ${p.version}`,
        `  Candidate: ${p.version}`,
        "  Version table:",
        ` *** ${p.version} ${repository !== undefined ? 500 : 100}`,
        ...sources,
      ].join("\n");
    })
    .join("\n");
}

function dpkgInventory(
  packages: readonly DpkgPackage[],
  answer: string | undefined,
  marks: AptMarks = { kind: "unknown" },
): LinuxInventory {
  return {
    dpkg: {
      packages,
      policy: answer === undefined ? { ok: false, reason: "not recorded" } : { ok: true, value: parseAptCachePolicy(answer) },
      marks,
    },
  };
}

const byKey = (titles: readonly SoftwareTitle[], key: string) => titles.find((t) => t.key === key);
const tally = (titles: readonly SoftwareTitle[]) => ({
  titles: titles.length,
  installed: titles.filter((t) => t.scope === "installed").length,
  dependency: titles.filter((t) => t.scope === "dependency").length,
  component: titles.filter((t) => t.scope === "component").length,
  unknown: titles.filter((t) => t.unknown !== undefined).length,
});

describe("Linux titles from the full Debian 12 inventory (926 packages)", () => {
  it("folds the binary packages into 533 source-package titles, nmap and nmap-common into one, each unknown without apt-cache policy", () => {
    const titles = linuxTitles(dpkgInventory(DEBIAN_12, undefined));
    expect(tally(titles)).toEqual({ titles: 533, installed: 533, dependency: 0, component: 0, unknown: 533 });
    expect(byKey(titles, "nmap")).toEqual({
      key: "nmap",
      name: "nmap",
      versions: ["7.93+dfsg1-1"],
      sources: ["dpkg"],
      ids: ["nmap", "nmap-common"],
      identity: {},
      scope: "installed",
      unknown: "origin unknown: apt-cache policy: not recorded",
    });
    expect(byKey(titles, "tcpdump")).toMatchObject({ name: "tcpdump", ids: ["tcpdump"], versions: ["4.99.3-1"] });
    expect(titles.filter((t) => t.ids.includes("nmap-common"))).toHaveLength(1);
    expect(byKey(titles, "glibc")?.ids).toEqual(expect.arrayContaining(["libc6", "libc-bin", "libc6-dev"]));
    expect(titles.every((t) => t.unknown?.startsWith("origin unknown: ") === true && t.identity.origin === undefined)).toBe(true);
  });

  it("gives every title the origin deb.debian.org/debian when apt offers every installed version from it", () => {
    const titles = linuxTitles(dpkgInventory(DEBIAN_12, policyAnswer(DEBIAN_12, "http://deb.debian.org/debian")));
    expect(tally(titles)).toEqual({ titles: 533, installed: 533, dependency: 0, component: 0, unknown: 0 });
    expect(titles.every((t) => t.identity.origin === "deb.debian.org/debian")).toBe(true);
    expect(byKey(titles, "nmap")).toMatchObject({ ids: ["nmap", "nmap-common"], identity: { origin: "deb.debian.org/debian" } });
  });

  it("calls every package's origin unknown when apt's package lists are empty (no repository offers anything)", () => {
    const titles = linuxTitles(dpkgInventory(DEBIAN_12, policyAnswer(DEBIAN_12)));
    expect(tally(titles).unknown).toBe(533);
    expect(byKey(titles, "nmap")?.unknown).toBe(
      "origin unknown: apt-cache policy names no repository for any package (apt's package lists are empty)",
    );
  });

  it("keeps a package with no entry in apt's answer unknown, with its name in the reason", () => {
    const titles = linuxTitles(
      dpkgInventory(
        DEBIAN_12,
        policyAnswer(
          DEBIAN_12.filter((p) => p.name !== "tcpdump"),
          "http://deb.debian.org/debian",
        ),
      ),
    );
    expect(byKey(titles, "tcpdump")?.unknown).toBe("origin unknown: apt-cache policy shows no installed version of tcpdump");
    expect(tally(titles).unknown).toBe(1);
  });
});

describe("Linux titles of third-party .debs, from the recorded apt-cache policy answers", () => {
  const chrome = (version: string): DpkgPackage => ({ name: "google-chrome-stable", version, source: "dpkg", arch: "amd64" });
  const anydesk: DpkgPackage = { name: "anydesk", version: "6.3.0", source: "dpkg", arch: "amd64" };

  it("gives Google Chrome the origin dl.google.com/linux/chrome/deb beside the archive's packages", () => {
    const packages = [...DEBIAN_12, chrome("113.0.5672.126-1")];
    const titles = linuxTitles(dpkgInventory(packages, `${policyAnswer(DEBIAN_12, "http://deb.debian.org/debian")}\n${CHROME_CURRENT}`));
    expect(byKey(titles, "google-chrome-stable")).toEqual({
      key: "google-chrome-stable",
      name: "google-chrome-stable",
      versions: ["113.0.5672.126-1"],
      sources: ["dpkg"],
      ids: ["google-chrome-stable"],
      identity: { origin: "dl.google.com/linux/chrome/deb" },
      scope: "installed",
    });
    expect(titles.filter((t) => t.identity.origin !== "deb.debian.org/debian").map((t) => t.key)).toEqual(["google-chrome-stable"]);
  });

  it("traces an outdated Chrome to the repository that offers its newer version, and calls an AnyDesk .deb installed by hand local", () => {
    const packages = [...DEBIAN_12, chrome("103.0.5060.53-1"), anydesk];
    const answer = `${policyAnswer(DEBIAN_12, "http://deb.debian.org/debian")}\n${CHROME_OUTDATED}${policyAnswer([anydesk])}`;
    const titles = linuxTitles(dpkgInventory(packages, answer));
    expect(byKey(titles, "google-chrome-stable")?.identity).toEqual({ origin: "dl.google.com/linux/chrome/deb" });
    expect(byKey(titles, "anydesk")).toMatchObject({ identity: { origin: "local" }, scope: "installed" });
    expect(byKey(titles, "anydesk")?.unknown).toBeUndefined();
  });

  it("does not let a package borrow another's identity by declaring its source package", () => {
    const impostor: DpkgPackage = { name: "bash-tools", version: "1.0", source: "dpkg", arch: "amd64", sourcePackage: "bash" };
    const packages = [...DEBIAN_12, impostor];
    const titles = linuxTitles(
      dpkgInventory(packages, `${policyAnswer(DEBIAN_12, "http://deb.debian.org/debian")}\n${policyAnswer([impostor])}`),
    );
    expect(byKey(titles, "bash")).toMatchObject({ ids: ["bash"], identity: { origin: "deb.debian.org/debian" } });
    expect(byKey(titles, "bash (local)")).toMatchObject({ name: "bash", ids: ["bash-tools"], identity: { origin: "local" } });
  });
});

describe("Linux title scope from apt's marks", () => {
  const pkg = (name: string, arch: string, sourcePackage?: string): DpkgPackage => ({
    name,
    version: "1",
    source: "dpkg",
    arch,
    ...(sourcePackage !== undefined ? { sourcePackage } : {}),
  });
  const marks = parseAptExtendedStates(recorded("apt-extended-states/ubuntu-20.04-server-rootfs-672-auto-incl-tcpdump.extended_states"));

  it.each([
    [
      "tcpdump, marked automatic in the recorded Ubuntu 20.04 extended_states",
      [pkg("tcpdump", "amd64")],
      { kind: "auto-marks", marks },
      "dependency",
    ],
    [
      "an arch-all package, which apt records under the native architecture",
      [pkg("python3-pexpect", "all")],
      { kind: "auto-marks", marks },
      "dependency",
    ],
    ["a package extended_states does not list", [pkg("nmap", "amd64")], { kind: "auto-marks", marks }, "installed"],
    ["a foreign-architecture twin of an automatic package", [pkg("tcpdump", "i386")], { kind: "auto-marks", marks }, "installed"],
    [
      "an explicit Auto-Installed: 0",
      [pkg("tcpdump", "amd64")],
      { kind: "auto-marks", marks: [{ name: "tcpdump", arch: "amd64", auto: false }] },
      "installed",
    ],
    ["a name apt-mark showmanual lists", [pkg("nmap", "amd64")], { kind: "manual-names", names: ["nmap"] }, "installed"],
    ["a name apt-mark showmanual does not list", [pkg("libpcap0.8", "amd64")], { kind: "manual-names", names: ["nmap"] }, "dependency"],
    [
      "a foreign-architecture name apt-mark shows qualified",
      [pkg("libc6", "i386")],
      { kind: "manual-names", names: ["libc6:i386"] },
      "installed",
    ],
    ["any package when no marks could be read", [pkg("libpcap0.8", "amd64")], { kind: "unknown" }, "installed"],
    [
      "a source package with one manual binary among automatic ones",
      [pkg("libpcap0.8", "amd64", "libpcap"), pkg("libpcap-dev", "amd64", "libpcap")],
      { kind: "manual-names", names: ["libpcap-dev"] },
      "installed",
    ],
  ] as const)("scopes %s as %s", (_what, packages, aptMarks, scope) => {
    const [title] = linuxTitles(dpkgInventory(packages, undefined, aptMarks));
    expect(title?.scope).toBe(scope);
  });
});

describe("Linux titles from rpm databases", () => {
  const qai = parseRpm(recorded("rpm/centos-7.7-vm-rpm-qai-trimmed.txt"), "rpm -qai");

  it("names the origin of CentOS 7.7's packages by the user id of the imported key that signed them", () => {
    const titles = linuxTitles({ rpm: { packages: qai } });
    expect(tally(titles)).toEqual({ titles: 224, installed: 224, dependency: 0, component: 0, unknown: 0 });
    expect(titles.some((t) => t.ids.includes("gpg-pubkey"))).toBe(false);
    expect(byKey(titles, "kernel")).toMatchObject({
      identity: { origin: CENTOS_KEY_UID, signer: CENTOS_KEY_UID },
      declaredPublisher: "CentOS",
    });
    expect(byKey(titles, "jq")?.identity).toEqual({
      origin: "Fedora EPEL (7) <epel@fedoraproject.org>",
      signer: "Fedora EPEL (7) <epel@fedoraproject.org>",
    });
    // Software Collections' key is not among this database's kept gpg-pubkey entries: the bare key id.
    expect(byKey(titles, "devtoolset-3-gcc")?.identity).toEqual({ origin: "key:4eb84e71f2ee9d55" });
    const origins = new Set(titles.map((t) => t.identity.origin));
    expect([...origins].sort()).toEqual([CENTOS_KEY_UID, "Fedora EPEL (7) <epel@fedoraproject.org>", "key:4eb84e71f2ee9d55"].sort());
  });

  it("folds the recorded CentOS 7 third-party rpms by source rpm; Brave and osquery keep their own keys' ids", () => {
    const titles = linuxTitles({
      rpm: { packages: parseRpm(recorded("rpm/centos-7-rpm-qi-15-packages-brave-osquery-third-party.txt"), "rpm -qi") },
    });
    expect(titles.map((t) => t.key)).toEqual([
      "apr-util",
      "autofs",
      "bind",
      "brave-browser",
      "brave-keyring",
      "firefox",
      "java-1.8.0-openjdk",
      "openssl",
      "osquery",
      "kernel",
      "python",
      "sudo",
      "zlib",
    ]);
    expect(byKey(titles, "openssl")?.ids).toEqual(["openssl", "openssl-libs"]);
    expect(byKey(titles, "brave-browser")).toMatchObject({
      identity: { origin: "key:a8580bdc82d3dc6c" },
      declaredPublisher: "Brave Software, Inc.",
    });
    expect(byKey(titles, "osquery")?.identity).toEqual({ origin: "key:97a80c63c9d8b80b" });
    // This listing holds no gpg-pubkey entry: CentOS's own key is named by id too, never by the Vendor text.
    expect(byKey(titles, "sudo")?.identity).toEqual({ origin: "key:24c6a8a7f4a80eb5" });
  });

  it("calls an unsigned rpm local, scopes by dnf's user installs, and leaves rpm listings without signatures unknown", () => {
    const text = [
      "gpg-pubkey\t(none)\tf4a80eb5\t53a7ff4b\t(none)\t(none)\t(none)\t(none)\tgpg(CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>)",
      "nmap\t2\t6.40\t19.el7\tx86_64\tCentOS\tnmap-6.40-19.el7.src.rpm\tRSA/SHA256, Fri 03 Apr 2020, Key ID 24c6a8a7f4a80eb5\tNetwork exploration tool and security scanner",
      "nmap-ncat\t2\t6.40\t19.el7\tx86_64\tCentOS\tnmap-6.40-19.el7.src.rpm\tRSA/SHA256, Fri 03 Apr 2020, Key ID 24c6a8a7f4a80eb5\tNmap's Netcat replacement",
      "anydesk\t(none)\t6.3.0\t1\tx86_64\tphilandro Software GmbH\tanydesk-6.3.0-1.src.rpm\t(none)\tThe Fast Remote Desktop Application",
    ].join("\n");
    const titles = linuxTitles({ rpm: { packages: parseRpm(text), userInstalled: ["anydesk"] } });
    expect(titles.map((t) => [t.key, t.ids, t.scope, t.identity.origin])).toEqual([
      ["nmap", ["nmap", "nmap-ncat"], "dependency", CENTOS_KEY_UID],
      ["anydesk", ["anydesk"], "installed", "local"],
    ]);
    const mageia = linuxTitles({ rpm: { packages: parseRpm(recorded("rpm/mageia-rpm-qa-queryformat-vendor.tsv")) } });
    expect(tally(mageia)).toEqual({ titles: 10, installed: 10, dependency: 0, component: 0, unknown: 10 });
    expect(byKey(mageia, "xfsprogs")).toMatchObject({
      declaredPublisher: "Mageia.Org",
      identity: {},
      unknown: "origin unknown: the rpm listing has no signature field",
    });
  });
});

describe("Linux titles from snaps and Flatpaks", () => {
  it("takes the snap publisher account as origin, as a verified publisher only when the store verified it", () => {
    const snaps = parseSnapList(recorded("snap/maas-dev-snap-list-try-mode-no-publisher.txt"));
    const titles = linuxTitles({ snap: snaps });
    expect(titles.map((t) => [t.key, t.scope, t.identity])).toEqual([
      ["core", "component", { origin: "canonical", publisher: "canonical" }],
      ["core18", "component", { origin: "canonical", publisher: "canonical" }],
      ["maas", "installed", { origin: "local" }],
      ["maas-cli", "installed", { origin: "canonical", publisher: "canonical" }],
      ["snapd", "component", { origin: "canonical", publisher: "canonical" }],
    ]);
    const unverified = linuxTitles({
      snap: parseSnapList("Name Version Rev Tracking Publisher Notes\nspotify 1.2 74 latest/stable spotify✪ -\n"),
    });
    expect(unverified[0]?.identity).toEqual({ origin: "spotify" });
  });

  it("keys a Flatpak by its application id with its remote as origin; a listing without origins leaves it unknown", () => {
    const listed = parseFlatpakList("org.wireshark.Wireshark\tWireshark\t4.2.0\tstable\tx86_64\tflathub\tsystem\n");
    expect(linuxTitles({ flatpak: listed })).toEqual([
      {
        key: "org.wireshark.wireshark",
        name: "Wireshark",
        versions: ["4.2.0"],
        sources: ["flatpak"],
        ids: ["org.wireshark.Wireshark"],
        bundleId: "org.wireshark.Wireshark",
        identity: { origin: "flathub" },
        scope: "installed",
      },
    ]);
    const table = linuxTitles({ flatpak: parseFlatpakList(recorded("flatpak/user-installation-apps-and-runtimes.flatpak-list.txt")) });
    expect(tally(table)).toEqual({ titles: 7, installed: 7, dependency: 0, component: 0, unknown: 7 });
    expect(byKey(table, "io.freetubeapp.freetube")).toMatchObject({
      name: "FreeTube",
      versions: ["0.21.3 Beta"],
      unknown: "origin unknown: the flatpak listing has no Origin column (flatpak before 1.2 cannot print one)",
    });
    const runtime = linuxTitles({ flatpak: parseFlatpakList("runtime/org.gnome.Platform/x86_64/3.28\tsystem,runtime\n") });
    expect(runtime[0]?.scope).toBe("component");
  });

  it("keeps titles of different inventories apart when they share a name but not an origin, and joins them when they share both", () => {
    const deb: DpkgPackage = { name: "firefox", version: "115.3.1esr-1", source: "dpkg", arch: "amd64" };
    const inventory: LinuxInventory = {
      ...dpkgInventory([deb], policyAnswer([deb], "http://deb.debian.org/debian")),
      snap: parseSnapList("Name Version Rev Tracking Publisher Notes\nfirefox 118.0.1-1 3216 latest/stable mozilla** -\n"),
      flatpak: [
        ...parseFlatpakList("org.mozilla.firefox\tFirefox\t121.0\tstable\tx86_64\tflathub\tsystem\n"),
        ...parseFlatpakList("org.mozilla.firefox\tFirefox\t120.0\tstable\tx86_64\tflathub\tuser\n"),
      ],
    };
    expect(linuxTitles(inventory).map((t) => [t.key, t.sources, t.versions, t.identity.origin])).toEqual([
      ["firefox", ["dpkg"], ["115.3.1esr-1"], "deb.debian.org/debian"],
      ["firefox (mozilla)", ["snap"], ["118.0.1-1"], "mozilla"],
      ["org.mozilla.firefox", ["flatpak"], ["121.0", "120.0"], "flathub"],
    ]);
  });
});
