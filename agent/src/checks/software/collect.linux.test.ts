import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import type { CommandRunner } from "../../runner/runner.js";
import { fakeRunner, type FakeCommand } from "../../testing/fake-runner.js";
import { fixture } from "../../testing/fixtures.js";
import { fillArgv, fillTemplate } from "../types.js";
import {
  DPKG_QUERY,
  DPKG_STATUS_FILE,
  FLATPAK_LIST,
  FLATPAK_LIST_OLD,
  PASSWD_FILE,
  RPM_QUERY,
  SNAP_LIST,
  USER_FLATPAK_LIST,
  USER_FLATPAK_REPO_CONFIG,
  collectSoftwareLinux,
} from "./collect.linux.js";
import { evaluateSoftware } from "./evaluate.js";

const DPKG_QUERY_OUT = fixture("linux/dpkg/debian-12-container-dpkg-query-status-arch-source-nmap-tcpdump.tsv");
const DPKG_MAINTAINER_OUT = fixture("linux/dpkg/debian-12-container-dpkg-query-name-version-maintainer-nmap-tcpdump.tsv");
const DPKG_L_OUT = fixture("linux/dpkg/debian-12-container-dpkg-l-nmap-tcpdump.txt");
const DPKG_STATUS = fixture("linux/dpkg/debian-12-container-var-lib-dpkg-status-excerpt-nmap-tcpdump.txt");
const RPM_QAI = fixture("linux/rpm/centos-7.7-vm-rpm-qai-trimmed.txt");
const SNAP_OUT = fixture("linux/snap/ubuntu-snap-list-all-lxd-disabled-revision.txt");
const FLATPAK_TABLE = fixture("linux/flatpak/user-installation-apps-and-runtimes.flatpak-list.txt");
const FLATPAK_OLD = fixture("linux/flatpak/debian-10-flatpak-1.2.5-list-d.txt");

const PASSWD = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\nbob:x:1001:1001:Bob:/home/bob:/bin/bash\n";
const ALICE = { user: "alice", uid: "1000", home: "/home/alice" };

const collect = (commands: FakeCommand[], files: Record<string, string | Buffer> = {}) => collectSoftwareLinux.collect(fakeRunner("linux", commands, files));

describe("Linux software collector", () => {
  it("finds nmap, nmap-common and tcpdump on the recorded Debian 12 machine, violations under the default policy", async () => {
    const facts = await collect([{ argv: DPKG_QUERY, stdout: DPKG_QUERY_OUT }]);
    expect(facts.sources).toEqual(["dpkg"]);
    expect(facts.problems).toEqual([]);
    expect(facts.packages).toHaveLength(926);
    expect(facts.packages.find((p) => p.name === "nmap")).toEqual({ name: "nmap", version: "7.93+dfsg1-1", source: "dpkg", arch: "amd64" });
    const result = evaluateSoftware(facts, DEFAULT_POLICY.software);
    expect(result.status).toBe("fail");
    expect(result.violations.map((v) => [v.subject, v.rule, v.observed, v.expected])).toEqual([
      ["nmap", "nmap", "nmap 7.93+dfsg1-1 (dpkg)", "not installed (port scanner)"],
      ["nmap-common", "nmap", "nmap-common 7.93+dfsg1-1 (dpkg)", "not installed (port scanner)"],
      ["tcpdump", "tcpdump", "tcpdump 4.99.3-1 (dpkg)", "not installed (network sniffer)"],
    ]);
  });

  it.each([
    ["dpkg-query with other fields", DPKG_MAINTAINER_OUT],
    ["dpkg -l", DPKG_L_OUT],
  ])("reads %s recorded under its dpkg-query argv", async (_what, stdout) => {
    const facts = await collect([{ argv: DPKG_QUERY, stdout }]);
    expect(facts.packages).toHaveLength(926);
    expect(evaluateSoftware(facts, DEFAULT_POLICY.software).violations.map((v) => v.subject)).toEqual(["nmap", "nmap-common", "tcpdump"]);
  });

  it("reads the dpkg status database when dpkg-query is not there", async () => {
    const facts = await collect([{ argv: DPKG_QUERY, exitCode: 127 }], { [DPKG_STATUS_FILE]: DPKG_STATUS });
    expect(facts.sources).toEqual(["dpkg"]);
    expect(facts.packages.map((p) => p.name)).toContain("tcpdump");
    expect(facts.packages).toHaveLength(9);
  });

  it("reads rpm, snap and Flatpak inventories together", async () => {
    const facts = await collect([
      { argv: RPM_QUERY, stdout: RPM_QAI },
      { argv: SNAP_LIST, stdout: SNAP_OUT },
      { argv: FLATPAK_LIST, stdout: FLATPAK_TABLE },
    ]);
    expect(facts.sources).toEqual(["rpm", "snap", "flatpak"]);
    expect(facts.problems).toEqual([]);
    expect(facts.packages.filter((p) => p.source === "rpm")).toHaveLength(308);
    expect(facts.packages.filter((p) => p.source === "snap").map((p) => p.name)).toEqual(["core20", "core22", "lxd", "snapd"]);
    expect(facts.packages.filter((p) => p.source === "flatpak").map((p) => p.bundleId)).toContain("io.freetubeapp.FreeTube");
  });

  it("falls back to plain flatpak list when --columns is refused", async () => {
    const facts = await collect([
      { argv: FLATPAK_LIST, exitCode: 1, stderr: "error: Unknown option --columns=application,name,version,branch,arch,origin,installation" },
      { argv: FLATPAK_LIST_OLD, stdout: FLATPAK_OLD },
    ]);
    expect(facts.problems).toEqual([]);
    expect(facts.packages).toEqual([{ name: "PulseEffects", version: "4.8.4", source: "flatpak", bundleId: "com.github.wwmm.pulseeffects", arch: "x86_64" }]);
  });

  it("lists the per-user Flatpak installation of each local user who has one", async () => {
    const aliceList = "org.wireshark.Wireshark\tWireshark\t4.2.0\tstable\tx86_64\tflathub\tuser\norg.gnome.Calculator\tCalculator\t45.0\tstable\tx86_64\tflathub\tuser\n";
    const facts = await collect(
      [
        { argv: FLATPAK_LIST, stdout: "org.gnome.Calculator\tCalculator\t45.0\tstable\tx86_64\tflathub\tsystem\n" },
        { argv: fillArgv(USER_FLATPAK_LIST, ALICE), stdout: aliceList },
      ],
      { [PASSWD_FILE]: PASSWD, [fillTemplate(USER_FLATPAK_REPO_CONFIG, ALICE)]: "[core]\nrepo_version=1\nmode=bare-user-only\n" },
    );
    expect(facts.problems).toEqual([]);
    // Calculator is installed system-wide and by alice: one entry.
    expect(facts.packages.map((p) => p.bundleId)).toEqual(["org.gnome.Calculator", "org.wireshark.Wireshark"]);
    const result = evaluateSoftware(facts, DEFAULT_POLICY.software);
    expect(result.violations).toEqual([expect.objectContaining({ subject: "Wireshark", rule: "wireshark", observed: "Wireshark 4.2.0 (flatpak)" })]);
  });

  it("puts a package manager that fails or prints something unreadable into the problems", async () => {
    const facts = await collect([
      { argv: DPKG_QUERY, stdout: DPKG_QUERY_OUT },
      { argv: SNAP_LIST, exitCode: 1, stderr: 'error: cannot communicate with server: Get "http://localhost/v2/snaps": dial unix /run/snapd.socket: connect: no such file or directory\n' },
      { argv: RPM_QUERY, stdout: "<html>not rpm</html>\n" },
    ]);
    expect(facts.sources).toEqual(["dpkg"]);
    expect(facts.problems).toEqual([
      expect.stringMatching(/^cannot parse rpm -qa --queryformat .*: not rpm/),
      expect.stringMatching(/^snap list: exit code 1: error: cannot communicate with server/),
    ]);
    const result = evaluateSoftware(facts, DEFAULT_POLICY.software);
    expect(result.status).toBe("fail");
    expect(result.reason).toContain("snap list: exit code 1");
  });

  it("is unknown when no inventory is recorded at all", async () => {
    const facts = await collect([]);
    expect(facts).toEqual({ packages: [], sources: [], problems: [] });
    expect(evaluateSoftware(facts, DEFAULT_POLICY.software).status).toBe("unknown");
  });

  it("runs and reads nothing that its sources do not list", async () => {
    const touched: string[] = [];
    const inner = fakeRunner(
      "linux",
      [
        { argv: DPKG_QUERY, exitCode: 127 },
        { argv: FLATPAK_LIST, exitCode: 1 },
        { argv: FLATPAK_LIST_OLD, stdout: "" },
        { argv: fillArgv(USER_FLATPAK_LIST, ALICE), stdout: "" },
      ],
      { [PASSWD_FILE]: PASSWD, [fillTemplate(USER_FLATPAK_REPO_CONFIG, ALICE)]: "[core]\n" },
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
    await collectSoftwareLinux.collect(spy);
    const users = [ALICE, { user: "bob", uid: "1001", home: "/home/bob" }];
    const listed = new Set(
      collectSoftwareLinux.sources.flatMap((s) => {
        const targets = s.perUser === true ? users : [{}];
        return targets.map((values) => (s.kind === "command" ? JSON.stringify(fillArgv(s.argv, values)) : fillTemplate(s.path, values)));
      }),
    );
    expect(touched.length).toBeGreaterThan(8);
    for (const t of touched) expect(listed, t).toContain(t);
  });
});
