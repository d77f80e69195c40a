import { SoftwarePolicy, type SoftwarePolicy as SoftwarePolicyType } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { compilePolicy, evaluateSoftware } from "./evaluate.js";
import type { InstalledPackage, SoftwareFacts } from "./facts.js";

const nmapDeb: InstalledPackage = { name: "nmap", version: "7.93+dfsg1-1", source: "dpkg", arch: "amd64", publisher: "Debian Security Tools <team+pkg-security@tracker.debian.org>" };
const tcpdumpDeb: InstalledPackage = { name: "tcpdump", version: "4.99.3-1", source: "dpkg", arch: "amd64" };
const adduserDeb: InstalledPackage = { name: "adduser", version: "3.134", source: "dpkg", arch: "all" };
const nmapBrew: InstalledPackage = { name: "nmap", version: "7.95", source: "homebrew" };
const nmapWin: InstalledPackage = { name: "Nmap 7.92", version: "7.92", source: "registry", publisher: "Nmap Project" };
const slackApp: InstalledPackage = { name: "Slack", version: "4.35.126", source: "app", bundleId: "com.tinyspeck.slackmacgap" };
const vlcApp: InstalledPackage = { name: "VLC", version: "3.0.18", source: "app", bundleId: "org.videolan.vlc" };

const facts = (packages: InstalledPackage[], extra: Partial<SoftwareFacts> = {}): SoftwareFacts => ({
  packages,
  sources: [...new Set(packages.map((p) => p.source))],
  problems: [],
  ...extra,
});
const policy = (input: unknown): SoftwarePolicyType => SoftwarePolicy.parse(input);

const DENY_TOOLS = policy({
  mode: "denylist",
  deny: [
    { id: "nmap", name: "nmap", reason: "port scanner" },
    { id: "tcpdump", name: "tcpdump", reason: "network sniffer" },
  ],
});

describe("evaluateSoftware", () => {
  it("fails a denied package with the rule, what was found and what was expected", () => {
    const result = evaluateSoftware(facts([adduserDeb, nmapDeb]), DENY_TOOLS);
    expect(result).toEqual({
      check: "software",
      status: "fail",
      violations: [
        {
          subject: "nmap",
          rule: "nmap",
          message: "nmap 7.93+dfsg1-1 (dpkg) is prohibited: port scanner (rule nmap)",
          observed: "nmap 7.93+dfsg1-1 (dpkg)",
          expected: "not installed (port scanner)",
        },
      ],
    });
  });

  it.each([
    ["denylist passes what no deny rule names", DENY_TOOLS, [adduserDeb, slackApp], "pass", []],
    ["denylist fails each denied package once", DENY_TOOLS, [nmapDeb, tcpdumpDeb, adduserDeb], "fail", ["nmap", "tcpdump"]],
    ["allowlist fails every unapproved package", policy({ allow: [{ source: "dpkg" }] }), [adduserDeb, slackApp, vlcApp], "fail", ["Slack", "VLC"]],
    ["allowlist passes when every package is approved", policy({ allow: [{ source: "dpkg" }, { bundleId: "com.tinyspeck.*" }] }), [adduserDeb, slackApp], "pass", []],
    ["a deny wins over an allow", policy({ allow: [{ source: "dpkg" }], deny: [{ name: "nmap" }] }), [nmapDeb, adduserDeb], "fail", ["nmap"]],
    ["a Windows DisplayName matches without its version", DENY_TOOLS, [nmapWin], "fail", ["Nmap 7.92"]],
    ["a version range limits a deny rule", policy({ mode: "denylist", deny: [{ name: "nmap", version: "<7.90" }] }), [nmapDeb, nmapBrew], "pass", []],
    ["a version range in dpkg order", policy({ mode: "denylist", deny: [{ name: "nmap", version: ">=7.93 <7.94" }] }), [nmapDeb], "fail", ["nmap"]],
    ["a source limits a deny rule", policy({ mode: "denylist", deny: [{ name: "nmap", source: "homebrew" }] }), [nmapDeb, nmapBrew], "fail", ["nmap"]],
    ["a publisher glob denies", policy({ mode: "denylist", deny: [{ publisher: "debian security tools*" }] }), [nmapDeb, adduserDeb], "fail", ["nmap"]],
    ["an empty allowlist fails everything", policy({ mode: "allowlist" }), [adduserDeb], "fail", ["adduser"]],
    ["nothing installed passes", policy({ mode: "allowlist" }), [], "pass", []],
  ] as const)("%s", (_name, pol, packages, status, subjects) => {
    const result = evaluateSoftware({ packages: [...packages], sources: ["dpkg"], problems: [] }, pol);
    expect(result.status).toBe(status);
    expect(result.violations.map((v) => v.subject)).toEqual(subjects);
  });

  it("reports an unapproved package against the allowlist", () => {
    const [violation] = evaluateSoftware(facts([vlcApp]), policy({ allow: [] })).violations;
    expect(violation).toEqual({
      subject: "VLC",
      rule: "unapproved",
      message: "VLC 3.0.18 (app) is installed but not on IT's allowlist of approved software",
      observed: "VLC 3.0.18 (app)",
      expected: "on IT's allowlist",
    });
  });

  it("merges one name seen from several sources into one violation that lists them", () => {
    const result = evaluateSoftware(facts([nmapDeb, nmapBrew]), DENY_TOOLS);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]?.observed).toBe("nmap 7.93+dfsg1-1 (dpkg), nmap 7.95 (homebrew)");
  });

  it("lists only the denied instances when another instance of the name is allowed", () => {
    const pol = policy({ allow: [{ source: "dpkg" }], deny: [{ id: "old-nmap", name: "nmap", version: "<7.90" }] });
    const oldNmap: InstalledPackage = { name: "nmap", version: "7.80", source: "snap", publisher: "someone" };
    const result = evaluateSoftware(facts([{ ...nmapDeb, version: "7.93+dfsg1-1" }, oldNmap]), pol);
    expect(result.violations).toEqual([expect.objectContaining({ subject: "nmap", rule: "old-nmap", observed: "nmap 7.80 (snap)" })]);
  });

  it("lets a deny outrank unapproved instances of the same name", () => {
    const pol = policy({ allow: [], deny: [{ id: "brew-nmap", name: "nmap", source: "homebrew" }] });
    const result = evaluateSoftware(facts([nmapDeb, nmapBrew]), pol);
    expect(result.violations).toEqual([expect.objectContaining({ subject: "nmap", rule: "brew-nmap", observed: "nmap 7.95 (homebrew)" })]);
  });

  it("names the violation after the first deny rule in policy order", () => {
    const pol = policy({ mode: "denylist", deny: [{ id: "scanners", name: "*map", reason: "scanner" }, { id: "nmap", name: "nmap", reason: "port scanner" }] });
    expect(evaluateSoftware(facts([nmapDeb]), pol).violations[0]?.rule).toBe("scanners");
  });

  it("describes a deny rule without an id or reason by what it matches", () => {
    const pol = policy({ mode: "denylist", deny: [{ name: "nmap", source: "dpkg" }] });
    expect(evaluateSoftware(facts([nmapDeb]), pol).violations[0]).toMatchObject({
      rule: "name=nmap source=dpkg",
      expected: "not installed (denied by rule name=nmap source=dpkg)",
    });
  });

  it("lists at most five instances of one name and counts the rest", () => {
    const kernels = Array.from({ length: 7 }, (_, i): InstalledPackage => ({ name: "kernel", version: `3.10.0-${i}.el7`, source: "rpm" }));
    const result = evaluateSoftware(facts(kernels), policy({ mode: "allowlist" }));
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]?.observed).toMatch(/^kernel 3\.10\.0-0\.el7 \(rpm\), .*kernel 3\.10\.0-4\.el7 \(rpm\), 2 more$/);
  });

  it("is unknown when no inventory could be read, saying why", () => {
    expect(evaluateSoftware({ packages: [], sources: [], problems: [] }, DENY_TOOLS)).toEqual({
      check: "software",
      status: "unknown",
      violations: [],
      reason: "no software inventory could be read on this machine",
    });
    const result = evaluateSoftware({ packages: [], sources: [], problems: ["dpkg-query: exit code 2: database locked"] }, DENY_TOOLS);
    expect(result.status).toBe("unknown");
    expect(result.reason).toContain("dpkg-query: exit code 2: database locked");
  });

  it("mentions inventories it could not read in the reason of a verdict", () => {
    const result = evaluateSoftware(facts([nmapDeb], { problems: ["snap list: exit code 1: cannot communicate with server"] }), DENY_TOOLS);
    expect(result.status).toBe("fail");
    expect(result.reason).toBe("could not read: snap list: exit code 1: cannot communicate with server");
    const passing = evaluateSoftware(facts([adduserDeb], { problems: ["rpm: broken database"] }), DENY_TOOLS);
    expect(passing).toMatchObject({ status: "pass", reason: "could not read: rpm: broken database" });
  });

  it("caps the violation list and says how many were left out", () => {
    const many = Array.from({ length: 10_003 }, (_, i): InstalledPackage => ({ name: `pkg-${String(i).padStart(5, "0")}`, version: "1.0", source: "homebrew" }));
    const result = evaluateSoftware(facts(many), policy({ mode: "allowlist" }));
    expect(result.violations).toHaveLength(10_000);
    expect(result.reason).toBe("3 more violations not listed");
  });

  it("never reports an empty subject", () => {
    const nameless: InstalledPackage = { name: "", version: "1.0", source: "app", bundleId: "com.example.tool" };
    expect(evaluateSoftware(facts([nameless]), policy({ allow: [] })).violations[0]?.subject).toBe("com.example.tool");
  });

  it("compiles a policy once and reuses it", () => {
    const pol = policy({ mode: "denylist", deny: [{ name: "nmap" }] });
    expect(compilePolicy(pol)).toBe(compilePolicy(pol));
    expect(compilePolicy(policy({ mode: "denylist", deny: [{ name: "nmap" }] }))).not.toBe(compilePolicy(pol));
  });
});
