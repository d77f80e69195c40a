import { SoftwarePolicy, type SoftwarePolicy as SoftwarePolicyType } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { title, titleFacts as facts } from "../../testing/titles.js";
import { compilePolicy, evaluateSoftware, judgeTitle } from "./evaluate.js";
import type { SoftwareTitle } from "./facts.js";

const debian = { origin: "deb.debian.org/debian" };
const nmapDeb = title("nmap", {
  versions: ["7.93+dfsg1-1"],
  sources: ["dpkg"],
  ids: ["nmap", "nmap-common"],
  identity: debian,
  declaredPublisher: "Debian Security Tools <team+pkg-security@tracker.debian.org>",
});
const tcpdumpDeb = title("tcpdump", { versions: ["4.99.3-1"], sources: ["dpkg"], ids: ["tcpdump"], identity: debian, scope: "dependency" });
const adduserDeb = title("adduser", { versions: ["3.134"], sources: ["dpkg"], ids: ["adduser"], identity: debian });
const chromeDeb = title("google-chrome-stable", {
  versions: ["113.0.5672.126-1"],
  sources: ["dpkg"],
  ids: ["google-chrome-stable"],
  identity: { origin: "dl.google.com/linux/chrome/deb" },
});
const anydeskDeb = title("anydesk", { versions: ["6.3.0"], sources: ["dpkg"], ids: ["anydesk"], identity: { origin: "local" } });
const nmapWin = title("Nmap 7.94", { key: "nmap", versions: ["7.94"], sources: ["registry"], declaredPublisher: "Nmap Project" });
const slackApp = title("Slack", {
  versions: ["4.35.126"],
  bundleId: "com.tinyspeck.slackmacgap",
  identity: { teamId: "BQR82RBBHL", signer: "Developer ID Application: Slack Technologies, Inc. (BQR82RBBHL)" },
});
const vlcApp = title("VLC", {
  versions: ["3.0.18"],
  bundleId: "org.videolan.vlc",
  identity: { signer: "Developer ID Application: VideoLAN" },
});
const forgedAnydesk = title("AnyDesk", {
  sources: ["registry"],
  declaredPublisher: "Microsoft Corporation",
  identity: { signer: "philandro Software GmbH", publisher: "philandro Software GmbH" },
});
const printerFilter = title("Canon IJScanner2", { scope: "component" });
const brewFormula = title("jq", { sources: ["homebrew"], unknown: "Homebrew tap unknown: brew info --json=v2 not available" });

const policy = (input: unknown): SoftwarePolicyType => SoftwarePolicy.parse(input);

const DENY_TOOLS = policy({
  mode: "denylist",
  deny: [
    { id: "nmap", name: "nmap", category: "port-scanner", reason: "Nmap port scanner" },
    { id: "tcpdump", name: "tcpdump", category: "sniffer" },
  ],
});
const BY_IDENTITY = policy({
  allow: [
    { origin: "deb.debian.org/debian" },
    { teamId: "BQR82RBBHL" },
    { signer: "Microsoft Corporation" },
    { publisher: "Microsoft Corporation" },
  ],
  deny: [{ id: "nmap", name: "nmap", category: "port-scanner" }],
});

const subjects = (titles: SoftwareTitle[], pol: SoftwarePolicyType) =>
  evaluateSoftware(facts(titles), pol).violations.map((v) => v.subject);

describe("evaluateSoftware", () => {
  it("fails a denied title with its category, what was found, who it is from and the rule", () => {
    const result = evaluateSoftware(facts([adduserDeb, nmapDeb]), DENY_TOOLS);
    expect(result.status).toBe("fail");
    expect(result.violations).toEqual([
      {
        subject: "nmap",
        rule: "nmap",
        message: "nmap — port-scanner: prohibited software: Nmap port scanner; found nmap 7.93+dfsg1-1 (dpkg) (rule nmap)",
        observed: "nmap 7.93+dfsg1-1 (dpkg); from deb.debian.org/debian",
        expected: "not installed (port-scanner)",
        title: {
          name: "nmap",
          verdict: "denied",
          category: "port-scanner",
          versions: ["7.93+dfsg1-1"],
          sources: ["dpkg"],
          identity: { origin: "deb.debian.org/debian" },
          declaredPublisher: "Debian Security Tools <team+pkg-security@tracker.debian.org>",
          scope: "installed",
        },
      },
    ]);
  });

  it.each([
    ["denylist passes what no deny rule names", DENY_TOOLS, [adduserDeb, slackApp], "pass", []],
    [
      "denylist fails each denied title once, denied dependencies too",
      DENY_TOOLS,
      [nmapDeb, tcpdumpDeb, adduserDeb],
      "fail",
      ["nmap", "tcpdump"],
    ],
    ["allowlist approves by repository origin and signing team", BY_IDENTITY, [adduserDeb, slackApp], "pass", []],
    [
      "allowlist fails what no identity rule approves",
      BY_IDENTITY,
      [adduserDeb, chromeDeb, anydeskDeb, vlcApp],
      "fail",
      ["anydesk", "google-chrome-stable", "vlc"],
    ],
    ["a deny wins over an allow by origin", BY_IDENTITY, [nmapDeb, adduserDeb], "fail", ["nmap"]],
    ["a Windows title keeps its key whatever its version", DENY_TOOLS, [nmapWin], "fail", ["nmap"]],
    ["a publisher claimed in text is not a verified publisher", BY_IDENTITY, [forgedAnydesk], "fail", ["anydesk"]],
    [
      "a component inherits, it is not judged by the allowlist",
      BY_IDENTITY,
      [printerFilter, { ...chromeDeb, scope: "component" }],
      "pass",
      [],
    ],
    ["a dependency from the archive is approved by its origin", BY_IDENTITY, [{ ...adduserDeb, scope: "dependency" }], "pass", []],
    [
      "a dependency from outside the archive is judged",
      BY_IDENTITY,
      [{ ...chromeDeb, scope: "dependency" }],
      "fail",
      ["google-chrome-stable"],
    ],
    ["a dependency of unknown provenance inherits", BY_IDENTITY, [{ ...chromeDeb, scope: "dependency", identity: {} }], "pass", []],
    ["a version range limits a deny rule", policy({ mode: "denylist", deny: [{ name: "nmap", version: "<7.90" }] }), [nmapDeb], "pass", []],
    [
      "a version range in dpkg order",
      policy({ mode: "denylist", deny: [{ name: "nmap", version: ">=7.93 <7.94" }] }),
      [nmapDeb],
      "fail",
      ["nmap"],
    ],
    ["a source limits a deny rule", policy({ mode: "denylist", deny: [{ name: "nmap", source: "homebrew" }] }), [nmapDeb], "pass", []],
    [
      "a deny rule's name meets every package folded into the title",
      policy({ mode: "denylist", deny: [{ name: "nmap-common" }] }),
      [nmapDeb],
      "fail",
      ["nmap"],
    ],
    ["an empty allowlist fails every installed title", policy({ mode: "allowlist" }), [adduserDeb], "fail", ["adduser"]],
    ["nothing installed passes", policy({ mode: "allowlist" }), [], "pass", []],
  ] as const)("%s", (_name, pol, titles, status, expected) => {
    const result = evaluateSoftware({ titles: [...titles], sources: ["dpkg"], problems: [] }, pol);
    expect(result.status).toBe(status);
    expect(result.violations.map((v) => v.subject)).toEqual(expected);
  });

  it("reports an unapproved title with its identity and no verdict invented for it", () => {
    const [violation] = evaluateSoftware(facts([anydeskDeb]), BY_IDENTITY).violations;
    expect(violation).toMatchObject({
      subject: "anydesk",
      rule: "unapproved",
      message:
        "anydesk 6.3.0 (dpkg) is not approved: no allow rule of IT's policy matches it (installed from a local file (no repository offers it))",
      expected: "approved by IT (on the allowlist)",
      title: { verdict: "unapproved", identity: { origin: "local" }, scope: "installed" },
    });
  });

  it("says a forged publisher is only claimed", () => {
    const unsigned = { ...forgedAnydesk, identity: {} };
    expect(evaluateSoftware(facts([unsigned]), BY_IDENTITY).violations[0]?.observed).toBe(
      "AnyDesk 1.0 (registry); no verified identity (claims to be from Microsoft Corporation)",
    );
  });

  it("lists denied titles before unapproved ones", () => {
    expect(subjects([anydeskDeb, nmapDeb, chromeDeb], BY_IDENTITY)).toEqual(["nmap", "anydesk", "google-chrome-stable"]);
  });

  it("names the violation after the first deny rule in policy order", () => {
    const pol = policy({
      mode: "denylist",
      deny: [
        { id: "scanners", name: "*map", category: "port-scanner" },
        { id: "nmap", name: "nmap" },
      ],
    });
    expect(evaluateSoftware(facts([nmapDeb]), pol).violations[0]?.rule).toBe("scanners");
  });

  it("describes a deny rule without an id by what it matches", () => {
    const pol = policy({ mode: "denylist", deny: [{ name: "nmap", source: "dpkg" }] });
    expect(evaluateSoftware(facts([nmapDeb]), pol).violations[0]).toMatchObject({
      rule: "name=nmap source=dpkg",
      expected: "not installed",
    });
  });

  it("says a denied dependency was not installed on purpose", () => {
    expect(evaluateSoftware(facts([tcpdumpDeb]), DENY_TOOLS).violations[0]?.message).toContain("(installed as a dependency)");
  });

  it("never approves a title it cannot judge: unknown when nothing else fails, with the reason", () => {
    const result = evaluateSoftware(facts([adduserDeb, brewFormula]), BY_IDENTITY);
    expect(result.status).toBe("unknown");
    expect(result.reason).toContain("1 not judged (Homebrew tap unknown: brew info --json=v2 not available)");
    expect(judgeTitle(brewFormula, BY_IDENTITY)).toEqual({
      kind: "unknown",
      reason: "Homebrew tap unknown: brew info --json=v2 not available",
    });
    // A deny rule still judges it by name.
    expect(judgeTitle({ ...brewFormula, key: "nmap", name: "nmap" }, BY_IDENTITY)).toMatchObject({ kind: "denied" });
    expect(evaluateSoftware(facts([nmapDeb, brewFormula]), BY_IDENTITY).status).toBe("fail");
  });

  it("summarises every title's verdict in the reason", () => {
    const result = evaluateSoftware(facts([adduserDeb, nmapDeb, anydeskDeb, printerFilter, brewFormula]), BY_IDENTITY);
    expect(result.reason).toContain("5 titles: 1 denied, 1 unapproved, 1 approved, 1 not judged, 1 dependencies or components");
  });

  it("is unknown when no inventory could be read, saying why", () => {
    expect(evaluateSoftware({ titles: [], sources: [], problems: [] }, DENY_TOOLS)).toEqual({
      check: "software",
      status: "unknown",
      violations: [],
      reason: "no software inventory could be read on this machine",
    });
    const result = evaluateSoftware({ titles: [], sources: [], problems: ["dpkg-query: exit code 2: database locked"] }, DENY_TOOLS);
    expect(result.status).toBe("unknown");
    expect(result.reason).toContain("dpkg-query: exit code 2: database locked");
  });

  it("mentions sources it could not read in the reason of a verdict", () => {
    const result = evaluateSoftware(facts([nmapDeb], { problems: ["snap list: exit code 1: cannot communicate with server"] }), DENY_TOOLS);
    expect(result.status).toBe("fail");
    expect(result.reason).toContain("could not read: snap list: exit code 1: cannot communicate with server");
  });

  it("caps the violation list and says how many were left out", () => {
    const many = Array.from({ length: 10_003 }, (_, i) => title(`pkg-${String(i).padStart(5, "0")}`, { sources: ["homebrew"] }));
    const result = evaluateSoftware(facts(many), policy({ mode: "allowlist" }));
    expect(result.violations).toHaveLength(10_000);
    expect(result.reason).toContain("3 more violations not listed");
  });

  it("never reports an empty subject", () => {
    const nameless = title("", { key: "", bundleId: "com.example.tool" });
    expect(evaluateSoftware(facts([nameless]), policy({ allow: [] })).violations[0]?.subject).toBe("com.example.tool");
  });

  it("compiles a policy once and reuses it", () => {
    const pol = policy({ mode: "denylist", deny: [{ name: "nmap" }] });
    expect(compilePolicy(pol)).toBe(compilePolicy(pol));
    expect(compilePolicy(policy({ mode: "denylist", deny: [{ name: "nmap" }] }))).not.toBe(compilePolicy(pol));
  });

  it("requires every installed version in an allow rule's range, one in a deny rule's", () => {
    const twoZooms = title("Zoom", { versions: ["4.6", "5.16"], identity: { teamId: "BJ4HAAB9B3" } });
    const pol = policy({ allow: [{ teamId: "BJ4HAAB9B3", version: ">=5.0" }], deny: [{ name: "zoom", version: "<5.0" }] });
    expect(judgeTitle(twoZooms, pol)).toMatchObject({ kind: "denied" });
    const allowOnly = policy({ allow: [{ teamId: "BJ4HAAB9B3", version: ">=5.0" }] });
    expect(judgeTitle(twoZooms, allowOnly)).toEqual({ kind: "unapproved" });
    expect(judgeTitle({ ...twoZooms, versions: ["5.16"] }, allowOnly)).toMatchObject({ kind: "approved" });
  });
});
