import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { decodeText } from "../../runner/decode.js";
import type { CommandRunner } from "../../runner/runner.js";
import { collectReadingDeclared, ReadRecorder, undeclaredReads } from "../../testing/declared-sources.js";
import { fakeRunner, type FakeCommand } from "../../testing/fake-runner.js";
import { fixture } from "../../testing/fixtures.js";
import { fillArgv, fillTemplate } from "../types.js";
import {
  APT_CACHE_POLICY,
  APT_EXTENDED_STATES,
  APT_MARK_SHOWMANUAL,
  DNF_USERINSTALLED,
  DPKG_QUERY,
  DPKG_QUERY_OLD,
  DPKG_STATUS_FILE,
  FLATPAK_LIST,
  FLATPAK_LIST_OLD,
  PASSWD_FILE,
  RPM_QUERY,
  RPM_QUERY_OLD,
  SNAP_LIST,
  USER_FLATPAK_LIST,
  USER_FLATPAK_REPO_CONFIG,
  aptCachePolicyArgv,
  collectSoftwareLinux,
} from "./collect.linux.js";
import { evaluateSoftware } from "./evaluate.js";
import type { SoftwareTitle } from "./facts.js";
import { parseDpkg } from "./parse/dpkg.js";

const DPKG_QUERY_OUT = fixture("linux/dpkg/debian-12-container-dpkg-query-status-arch-source-nmap-tcpdump.tsv");
const DPKG_MAINTAINER_OUT = fixture("linux/dpkg/debian-12-container-dpkg-query-name-version-maintainer-nmap-tcpdump.tsv");
const DPKG_L_OUT = fixture("linux/dpkg/debian-12-container-dpkg-l-nmap-tcpdump.txt");
const DPKG_STATUS = fixture("linux/dpkg/debian-12-container-var-lib-dpkg-status-excerpt-nmap-tcpdump.txt");
const RPM_QAI = fixture("linux/rpm/centos-7.7-vm-rpm-qai-trimmed.txt");
const DNF_USER = fixture("linux/dnf/fedora-28-dnf-history-userinstalled-partial.txt");
const SNAP_OUT = fixture("linux/snap/ubuntu-snap-list-all-lxd-disabled-revision.txt");
const FLATPAK_TABLE = fixture("linux/flatpak/user-installation-apps-and-runtimes.flatpak-list.txt");
const FLATPAK_OLD = fixture("linux/flatpak/debian-10-flatpak-1.2.5-list-d.txt");
const CHROME_POLICY = decodeText(fixture("linux/apt-cache-policy/google-chrome-stable-installed-equals-candidate.txt"));

const PASSWD = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\nbob:x:1001:1001:Bob:/home/bob:/bin/bash\n";
const ALICE = { user: "alice", uid: "1000", home: "/home/alice" };
const CENTOS_KEY_UID = "CentOS-7 Key (CentOS 7 Official Signing Key) <security@centos.org>";

const DEBIAN_12 = parseDpkg(decodeText(DPKG_QUERY_OUT));
/** What the collector must ask apt about: every package as dpkg-query printed it (`libc6:amd64`), in its order. */
const DEBIAN_12_POLICY_ARGV = aptCachePolicyArgv(DEBIAN_12.map((p) => p.binaryPackage ?? p.name));
/** The recorded answer layout (apt-cache-policy fixtures), every installed version offered by Debian's archive. */
const DEBIAN_12_POLICY = DEBIAN_12.map((p) =>
  [
    `${p.name}:`,
    `  Installed: ${p.version}`,
    `  Candidate: ${p.version}`,
    "  Version table:",
    ` *** ${p.version} 500`,
    `        500 http://deb.debian.org/debian bookworm/main ${p.arch ?? "amd64"} Packages`,
    "        100 /var/lib/dpkg/status",
  ].join("\n"),
).join("\n");

const collect = (commands: FakeCommand[], files: Record<string, string | Buffer> = {}) =>
  collectReadingDeclared(collectSoftwareLinux, fakeRunner("linux", commands, files));
const byKey = (titles: readonly SoftwareTitle[], key: string) => titles.find((t) => t.key === key);

describe("Linux software collector on dpkg machines", () => {
  it("folds the recorded Debian 12 inventory into titles, each unknown when apt-cache policy is not recorded", async () => {
    const facts = await collect([{ argv: DPKG_QUERY, stdout: DPKG_QUERY_OUT }]);
    expect(facts.sources).toEqual(["dpkg"]);
    expect(facts.problems).toEqual([]);
    expect(facts.titles).toHaveLength(533);
    expect(byKey(facts.titles, "nmap")).toMatchObject({
      ids: ["nmap", "nmap-common"],
      versions: ["7.93+dfsg1-1"],
      scope: "installed",
      unknown: "origin unknown: apt-cache policy: not recorded",
    });
    expect(byKey(facts.titles, "tcpdump")).toMatchObject({ ids: ["tcpdump"], unknown: "origin unknown: apt-cache policy: not recorded" });
    expect(facts.titles.every((t) => t.unknown !== undefined)).toBe(true);
  });

  it("asks apt-cache policy once about every installed package, and takes each title's origin from its answer", async () => {
    expect(DEBIAN_12_POLICY_ARGV).toHaveLength(2 + 926);
    expect(DEBIAN_12_POLICY_ARGV).toContain("libc6:amd64");
    const facts = await collect([
      { argv: DPKG_QUERY, stdout: DPKG_QUERY_OUT },
      { argv: DEBIAN_12_POLICY_ARGV, stdout: DEBIAN_12_POLICY },
    ]);
    expect(facts.problems).toEqual([]);
    expect(facts.titles).toHaveLength(533);
    expect(facts.titles.every((t) => t.identity.origin === "deb.debian.org/debian" && t.unknown === undefined)).toBe(true);
  });

  it("gives a Chrome installed from Google's repository that repository as origin", async () => {
    const chromeRow = "ii \tgoogle-chrome-stable\t113.0.5672.126-1\tamd64\t\n";
    const facts = await collect([
      { argv: DPKG_QUERY, stdout: `${decodeText(DPKG_QUERY_OUT)}${chromeRow}` },
      {
        argv: aptCachePolicyArgv([...DEBIAN_12.map((p) => p.binaryPackage ?? p.name), "google-chrome-stable"]),
        stdout: `${DEBIAN_12_POLICY}\n${CHROME_POLICY}`,
      },
    ]);
    expect(byKey(facts.titles, "google-chrome-stable")?.identity).toEqual({ origin: "dl.google.com/linux/chrome/deb" });
    expect(facts.titles.filter((t) => t.identity.origin !== "deb.debian.org/debian")).toHaveLength(1);
  });

  it.each([
    [
      "apt's extended_states",
      [],
      {
        [APT_EXTENDED_STATES]:
          "Package: tcpdump\nArchitecture: amd64\nAuto-Installed: 1\n\nPackage: nmap-common\nArchitecture: amd64\nAuto-Installed: 1\n",
      },
    ],
    ["apt-mark showmanual, when extended_states is not there", [{ argv: APT_MARK_SHOWMANUAL, stdout: "nmap\nbash\n" }], {}],
  ] as const)("scopes titles by %s", async (_what, extra, files) => {
    const facts = await collect([{ argv: DPKG_QUERY, stdout: DPKG_QUERY_OUT }, ...extra], files);
    expect(byKey(facts.titles, "nmap")?.scope).toBe("installed");
    expect(byKey(facts.titles, "tcpdump")?.scope).toBe("dependency");
  });

  it.each([
    [
      "dpkg-query's earlier format (maintainers, no source package)",
      DPKG_MAINTAINER_OUT,
      926,
      "Debian Security Tools <team+pkg-security@tracker.debian.org>",
    ],
    ["dpkg -l", DPKG_L_OUT, 926, undefined],
  ])("reads %s recorded under the earlier dpkg-query argv: one title a binary package", async (_what, stdout, titles, maintainer) => {
    const facts = await collect([{ argv: DPKG_QUERY_OLD, stdout }]);
    expect(facts.problems).toEqual([]);
    expect(facts.titles).toHaveLength(titles);
    expect(byKey(facts.titles, "nmap")?.declaredPublisher).toBe(maintainer);
    expect(byKey(facts.titles, "nmap-common")?.ids).toEqual(["nmap-common"]);
  });

  it("reads the dpkg status database when dpkg-query is not there, folding by its Source fields", async () => {
    const excerpt = parseDpkg(decodeText(DPKG_STATUS));
    const facts = await collect(
      [
        { argv: DPKG_QUERY, exitCode: 127 },
        { argv: aptCachePolicyArgv(excerpt.map((p) => p.binaryPackage ?? p.name)), stdout: CHROME_POLICY },
      ],
      { [DPKG_STATUS_FILE]: DPKG_STATUS },
    );
    expect(facts.sources).toEqual(["dpkg"]);
    expect(facts.titles.map((t) => t.key)).toEqual([
      "adduser",
      "base-files",
      "dconf",
      "dpkg",
      "gsettings-desktop-schemas",
      "libpcap",
      "nmap",
      "tcpdump",
    ]);
    expect(byKey(facts.titles, "nmap")).toMatchObject({
      ids: ["nmap", "nmap-common"],
      declaredPublisher: "Debian Security Tools <team+pkg-security@tracker.debian.org>",
    });
    // apt answered about another package only: these have no installed version in its answer.
    expect(byKey(facts.titles, "nmap")?.unknown).toBe("origin unknown: apt-cache policy shows no installed version of nmap");
  });

  it("makes every dpkg title unknown, with apt's own words, when apt-cache policy fails", async () => {
    const facts = await collect([
      { argv: DPKG_QUERY, stdout: DPKG_QUERY_OUT },
      {
        argv: DEBIAN_12_POLICY_ARGV,
        exitCode: 100,
        stderr: "E: Could not open file /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease - open (13: Permission denied)\n",
      },
    ]);
    expect(facts.problems).toEqual([expect.stringMatching(/^apt-cache policy \{packages\}: exit code 100: E: Could not open file/)]);
    expect(byKey(facts.titles, "nmap")?.unknown).toMatch(/^origin unknown: apt-cache policy: exit code 100: E: Could not open file/);
  });
});

describe("Linux software collector on rpm, snap and Flatpak", () => {
  it("reads rpm (with its imported keys), snap and Flatpak inventories together", async () => {
    const facts = await collect([
      { argv: RPM_QUERY, stdout: RPM_QAI },
      { argv: SNAP_LIST, stdout: SNAP_OUT },
      { argv: FLATPAK_LIST, stdout: FLATPAK_TABLE },
    ]);
    expect(facts.sources).toEqual(["rpm", "snap", "flatpak"]);
    expect(facts.problems).toEqual([]);
    const rpm = facts.titles.filter((t) => t.sources.includes("rpm"));
    expect(rpm).toHaveLength(224);
    expect(byKey(rpm, "kernel")).toMatchObject({ identity: { origin: CENTOS_KEY_UID }, scope: "installed" });
    expect(facts.titles.filter((t) => t.sources.includes("snap")).map((t) => [t.key, t.scope])).toEqual([
      ["core20", "component"],
      ["core22", "component"],
      ["lxd", "installed"],
      ["snapd", "component"],
    ]);
    expect(byKey(facts.titles, "io.freetubeapp.freetube")?.name).toBe("FreeTube");
  });

  it("scopes rpm titles by dnf history userinstalled", async () => {
    const query = [
      "emacs\t1\t26.1\t1.fc28\tx86_64\tFedora Project\temacs-26.1-1.fc28.src.rpm\tRSA/SHA256, Tue 29 May 2018, Key ID e08e7e629db62fb1\tGNU Emacs text editor",
      "emacs-common\t1\t26.1\t1.fc28\tx86_64\tFedora Project\temacs-26.1-1.fc28.src.rpm\tRSA/SHA256, Tue 29 May 2018, Key ID e08e7e629db62fb1\tEmacs common files",
      "libpcap\t14\t1.9.0\t1.fc28\tx86_64\tFedora Project\tlibpcap-1.9.0-1.fc28.src.rpm\tRSA/SHA256, Tue 29 May 2018, Key ID e08e7e629db62fb1\tA system-independent interface for user-level packet capture",
    ].join("\n");
    const facts = await collect([
      { argv: RPM_QUERY, stdout: query },
      { argv: DNF_USERINSTALLED, stdout: DNF_USER },
    ]);
    expect(facts.titles.map((t) => [t.key, t.ids, t.scope, t.identity.origin])).toEqual([
      ["emacs", ["emacs", "emacs-common"], "installed", "key:e08e7e629db62fb1"],
      ["libpcap", ["libpcap"], "dependency", "key:e08e7e629db62fb1"],
    ]);
  });

  it("falls back to the earlier rpm format when the new one is refused: origins unknown", async () => {
    const facts = await collect([
      { argv: RPM_QUERY, exitCode: 1, stderr: "error: incorrect format: unknown tag\n" },
      { argv: RPM_QUERY_OLD, stdout: "make\t1\t3.82\t24.el7\tx86_64\tCentOS\n" },
    ]);
    expect(facts.problems).toEqual([]);
    expect(facts.titles).toEqual([
      {
        key: "make",
        name: "make",
        versions: ["1:3.82-24.el7"],
        sources: ["rpm"],
        ids: ["make"],
        declaredPublisher: "CentOS",
        identity: {},
        scope: "installed",
        unknown: "origin unknown: the rpm listing has no signature field",
      },
    ]);
  });

  it("falls back to plain flatpak list when --columns is refused: its origin is unknown", async () => {
    const facts = await collect([
      {
        argv: FLATPAK_LIST,
        exitCode: 1,
        stderr: "error: Unknown option --columns=application,name,version,branch,arch,origin,installation",
      },
      { argv: FLATPAK_LIST_OLD, stdout: FLATPAK_OLD },
    ]);
    expect(facts.problems).toEqual([]);
    // The recorded old table has an Origin column of its own.
    expect(facts.titles).toEqual([
      {
        key: "com.github.wwmm.pulseeffects",
        name: "PulseEffects",
        versions: ["4.8.4"],
        sources: ["flatpak"],
        ids: ["com.github.wwmm.pulseeffects"],
        bundleId: "com.github.wwmm.pulseeffects",
        identity: { origin: "flathub" },
        scope: "installed",
      },
    ]);
  });

  it("lists the per-user Flatpak installation of each local user who has one", async () => {
    const aliceList =
      "org.wireshark.Wireshark\tWireshark\t4.2.0\tstable\tx86_64\tflathub\tuser\norg.gnome.Calculator\tCalculator\t45.0\tstable\tx86_64\tflathub\tuser\n";
    const facts = await collect(
      [
        { argv: FLATPAK_LIST, stdout: "org.gnome.Calculator\tCalculator\t45.0\tstable\tx86_64\tflathub\tsystem\n" },
        { argv: fillArgv(USER_FLATPAK_LIST, ALICE), stdout: aliceList },
      ],
      { [PASSWD_FILE]: PASSWD, [fillTemplate(USER_FLATPAK_REPO_CONFIG, ALICE)]: "[core]\nrepo_version=1\nmode=bare-user-only\n" },
    );
    expect(facts.problems).toEqual([]);
    // Calculator is installed system-wide and by alice: one title.
    expect(facts.titles.map((t) => [t.key, t.name, t.identity.origin])).toEqual([
      ["org.gnome.calculator", "Calculator", "flathub"],
      ["org.wireshark.wireshark", "Wireshark", "flathub"],
    ]);
  });

  it("puts a package manager that fails or prints something unreadable into the problems", async () => {
    const facts = await collect([
      { argv: DPKG_QUERY, stdout: DPKG_QUERY_OUT },
      {
        argv: SNAP_LIST,
        exitCode: 1,
        stderr:
          'error: cannot communicate with server: Get "http://localhost/v2/snaps": dial unix /run/snapd.socket: connect: no such file or directory\n',
      },
      { argv: RPM_QUERY, stdout: "<html>not rpm</html>\n" },
    ]);
    expect(facts.sources).toEqual(["dpkg"]);
    expect(facts.problems).toEqual([
      expect.stringMatching(/^cannot parse rpm -qa --queryformat .*: not rpm/),
      expect.stringMatching(/^snap list: exit code 1: error: cannot communicate with server/),
    ]);
  });

  it("finds nothing when no inventory is recorded at all", async () => {
    expect(await collect([])).toEqual({ titles: [], sources: [], problems: [] });
  });
});

describe("Linux software titles under the built-in policy", () => {
  it("denies nmap and tcpdump on the recorded Debian 12 machine and approves the rest by the archive's origin", async () => {
    const facts = await collect([
      { argv: DPKG_QUERY, stdout: DPKG_QUERY_OUT },
      { argv: DEBIAN_12_POLICY_ARGV, stdout: DEBIAN_12_POLICY },
    ]);
    const result = evaluateSoftware(facts, DEFAULT_POLICY.software);
    expect(result.status).toBe("fail");
    expect(result.violations.map((v) => [v.subject, v.rule])).toEqual([
      ["nmap", "nmap"],
      ["tcpdump", "tcpdump"],
    ]);
    expect(result.reason).toMatch(/^533 titles: 2 denied, 0 unapproved, 531 approved, 0 not judged/);
  });

  it("still denies nmap and tcpdump when no origin can be read, and judges nothing else", async () => {
    const result = evaluateSoftware(await collect([{ argv: DPKG_QUERY, stdout: DPKG_QUERY_OUT }]), DEFAULT_POLICY.software);
    expect(result.violations.map((v) => v.subject)).toEqual(["nmap", "tcpdump"]);
    expect(result.reason).toMatch(/^533 titles: 2 denied, 0 unapproved, 0 approved, 531 not judged/);
  });

  it("finds an AnyDesk .deb installed by hand unapproved, beside Chrome from Google's repository", async () => {
    const rows = "ii \tgoogle-chrome-stable\t113.0.5672.126-1\tamd64\t\nii \tanydesk\t6.3.0\tamd64\t\n";
    const anydesk =
      "anydesk:\n  Installed: 6.3.0\n  Candidate: 6.3.0\n  Version table:\n *** 6.3.0 100\n        100 /var/lib/dpkg/status\n";
    const facts = await collect([
      { argv: DPKG_QUERY, stdout: `${decodeText(DPKG_QUERY_OUT)}${rows}` },
      {
        argv: aptCachePolicyArgv([...DEBIAN_12.map((p) => p.binaryPackage ?? p.name), "google-chrome-stable", "anydesk"]),
        stdout: `${DEBIAN_12_POLICY}\n${CHROME_POLICY}${anydesk}`,
      },
    ]);
    const result = evaluateSoftware(facts, DEFAULT_POLICY.software);
    expect(result.violations.map((v) => [v.subject, v.rule])).toEqual([
      ["nmap", "nmap"],
      ["tcpdump", "tcpdump"],
      ["anydesk", "unapproved"],
    ]);
  });
});

describe("Linux software collector's sources", () => {
  it("reads only the sources it declares, {packages} standing for every installed package and {user}/{home} for each local user", async () => {
    const recorder = new ReadRecorder(
      fakeRunner(
        "linux",
        [
          { argv: DPKG_QUERY, stdout: DPKG_QUERY_OUT },
          { argv: DEBIAN_12_POLICY_ARGV, stdout: DEBIAN_12_POLICY },
          { argv: FLATPAK_LIST, stdout: "org.gnome.Calculator\tCalculator\t45.0\tstable\tx86_64\tflathub\tsystem\n" },
          { argv: fillArgv(USER_FLATPAK_LIST, ALICE), stdout: "" },
        ],
        { [PASSWD_FILE]: PASSWD, [fillTemplate(USER_FLATPAK_REPO_CONFIG, ALICE)]: "[core]\nrepo_version=1\n" },
      ),
    );
    await collectSoftwareLinux.collect(recorder);
    expect(undeclaredReads(collectSoftwareLinux.sources, recorder.reads)).toEqual([]);
    expect(recorder.reads).toEqual(
      expect.arrayContaining([
        { kind: "command", argv: DEBIAN_12_POLICY_ARGV },
        { kind: "command", argv: fillArgv(USER_FLATPAK_LIST, ALICE) },
      ]),
    );
  });

  it("lists apt-cache policy with a {packages} placeholder that stands for the installed packages", () => {
    const listed = collectSoftwareLinux.sources.find((s) => s.kind === "command" && s.argv[0] === "apt-cache");
    expect(listed).toMatchObject({ kind: "command", argv: APT_CACHE_POLICY, optional: true });
    expect(aptCachePolicyArgv(["nmap", "libc6:amd64"])).toEqual(["apt-cache", "policy", "nmap", "libc6:amd64"]);
  });

  it("runs and reads nothing that its sources do not list", async () => {
    const touched: string[] = [];
    const excerpt = parseDpkg(decodeText(DPKG_STATUS)).map((p) => p.binaryPackage ?? p.name);
    const inner = fakeRunner(
      "linux",
      [
        { argv: DPKG_QUERY, exitCode: 127 },
        { argv: aptCachePolicyArgv(excerpt), stdout: "" },
        { argv: APT_MARK_SHOWMANUAL, stdout: "nmap\n" },
        { argv: RPM_QUERY, exitCode: 1 },
        { argv: RPM_QUERY_OLD, stdout: "make\t1\t3.82\t24.el7\tx86_64\tCentOS\n" },
        { argv: DNF_USERINSTALLED, stdout: "" },
        { argv: FLATPAK_LIST, exitCode: 1 },
        { argv: FLATPAK_LIST_OLD, stdout: "" },
        { argv: fillArgv(USER_FLATPAK_LIST, ALICE), stdout: "" },
      ],
      { [DPKG_STATUS_FILE]: DPKG_STATUS, [PASSWD_FILE]: PASSWD, [fillTemplate(USER_FLATPAK_REPO_CONFIG, ALICE)]: "[core]\n" },
    );
    const spy: CommandRunner = {
      platform: "linux",
      run: (argv) => {
        touched.push(JSON.stringify(argv));
        return inner.run(argv);
      },
      readFile: (path) => {
        touched.push(path);
        return inner.readFile(path);
      },
      listDir: (path) => {
        touched.push(path);
        return inner.listDir(path);
      },
    };
    await collectReadingDeclared(collectSoftwareLinux, spy);
    const users = [ALICE, { user: "bob", uid: "1001", home: "/home/bob" }];
    const listed = new Set(
      collectSoftwareLinux.sources.flatMap((s) => {
        const targets = s.perUser === true ? users : [{}];
        return targets.map((values) => {
          if (s.kind !== "command") return fillTemplate(s.path, values);
          // {packages} is one argument a package.
          return JSON.stringify(s.argv.includes("{packages}") ? aptCachePolicyArgv(excerpt) : fillArgv(s.argv, values));
        });
      }),
    );
    expect(touched.length).toBeGreaterThan(12);
    for (const t of touched) expect(listed, t).toContain(t);
    expect(touched).toContain(JSON.stringify(aptCachePolicyArgv(excerpt)));
  });
});
