import fc from "fast-check";
import { patternProblem, type SoftwareRule, type SoftwareSource } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { title } from "../../../testing/titles.js";
import type { SoftwareTitle } from "../facts.js";
import { RuleSet, firstMatchNaive } from "./rule-set.js";
import { ruleMatches, viewOf } from "./rule.js";

const SOURCES: SoftwareSource[] = ["dpkg", "rpm", "snap", "flatpak", "homebrew", "app", "registry"];
// Patterns chosen to hit every path: literals, literal prefixes, leading wildcards, characters other dialects
// treat as syntax (negation, braces, classes, `++`, a leading "./" — all literal here), case and non-ASCII.
const NAME_PATTERNS = [
  "nmap",
  "NMAP",
  "nmap*",
  "Nmap-*",
  "*map",
  "*shark*",
  "wireshark",
  "Wireshark*",
  "n?ap",
  "[nw]*",
  "!(nmap)",
  "{nmap,tcpdump}",
  "notepad++",
  "./nmap",
  ".hidden*",
  "K*",
  "kmap",
  "libpcap0.8",
  "nmap 7.92",
  "Ärger*",
  "tcpdump",
  "7-zip",
  "a/b*",
  "*",
];
const NAMES = [
  "nmap",
  "Nmap",
  "NMAP",
  "nmap-common",
  "Nmap 7.92",
  "Wireshark 4.0.3 64-bit",
  "wireshark-qt",
  "tcpdump",
  "notepad++",
  "notepad+",
  "Notepad++ (64-bit x64)",
  ".hidden",
  ".hiddenfile",
  "\u212Amap",
  "kmap",
  "Kmap",
  "libpcap0.8",
  "ärger",
  "Ärgernis",
  "7-Zip 22.01 (x64)",
  "a/b/c",
  "./nmap",
  "zmap",
  "",
];
const PUBLISHERS = [
  "Microsoft Corporation",
  "microsoft*",
  "Debian Security Tools <team+pkg-security@tracker.debian.org>",
  "canonical",
  "Canonical*",
  "*tools*",
];
const BUNDLE_IDS = [
  "org.wireshark.Wireshark",
  "org.wireshark.*",
  "ORG.WIRESHARK.WIRESHARK",
  "com.apple.*",
  "com.apple.Safari",
  "*.Wireshark",
];
const VERSIONS = ["7.92", "7.93+dfsg1-1", "1:3.82-24.el7", "4.0.3", "", "1.0~rc1"];
const RANGES = [">=7.0 <8", "<7.93", ">=1:3.80", "=4.0.3", "!=7.92"];

const TEAMS = ["EQHXZ8M8AV", "eqhxz8m8av", "UBF8T346G9", "*8AV", "?QHXZ8M8AV"];
const SIGNERS = [
  "Software Signing",
  "Microsoft Corporation",
  "Microsoft*",
  "Developer ID Application: Google LLC (EQHXZ8M8AV)",
  "Developer ID Application: *",
];
const ORIGINS = [
  "deb.debian.org/debian",
  "DEB.DEBIAN.ORG/debian",
  "ftp.??.debian.org/debian",
  "local",
  "dl.google.com/*",
  "homebrew/core",
  "canonical",
];

// Rules set few fields (as real ones do), so that a fair share of titles match some rule.
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const patternLike = fc.string({ minLength: 1, maxLength: 6 }).filter((p) => patternProblem(p) === undefined);
const ruleArb: fc.Arbitrary<SoftwareRule> = fc
  .record({
    name: fc.option(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...NAME_PATTERNS) }, { weight: 1, arbitrary: patternLike }), {
      nil: undefined,
    }),
    publisher: rarely(fc.constantFrom(...PUBLISHERS)),
    bundleId: rarely(fc.constantFrom(...BUNDLE_IDS)),
    teamId: rarely(fc.constantFrom(...TEAMS)),
    signer: rarely(fc.constantFrom(...SIGNERS)),
    origin: rarely(fc.constantFrom(...ORIGINS)),
    source: rarely(fc.constantFrom(...SOURCES)),
    version: rarely(fc.constantFrom(...RANGES)),
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as SoftwareRule)
  .filter((r) => Object.keys(r).some((k) => k !== "version"));

const identityArb = fc
  .record({
    teamId: maybe(fc.constantFrom("EQHXZ8M8AV", "UBF8T346G9", "BQR82RBBHL")),
    signer: maybe(
      fc.constantFrom(
        "Software Signing",
        "Microsoft Corporation",
        "Developer ID Application: Google LLC (EQHXZ8M8AV)",
        "philandro Software GmbH",
      ),
    ),
    origin: maybe(
      fc.constantFrom(
        "deb.debian.org/debian",
        "ftp.nl.debian.org/debian",
        "local",
        "dl.google.com/linux/chrome/deb",
        "homebrew/core",
        "canonical",
      ),
    ),
    publisher: maybe(fc.constantFrom(...PUBLISHERS, "Wireshark Foundation", "mozilla")),
  })
  .map((i) => Object.fromEntries(Object.entries(i).filter(([, v]) => v !== undefined)));

const titleArb: fc.Arbitrary<SoftwareTitle> = fc
  .record({
    name: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }),
    ids: fc.array(fc.constantFrom(...NAMES, ...BUNDLE_IDS), { maxLength: 3 }),
    versions: fc.array(fc.constantFrom(...VERSIONS), { minLength: 1, maxLength: 2 }),
    sources: fc.array(fc.constantFrom(...SOURCES), { minLength: 1, maxLength: 2 }),
    bundleId: maybe(fc.constantFrom(...BUNDLE_IDS, "org.mozilla.firefox")),
    identity: identityArb,
  })
  .map((t) => title(t.name, Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as Partial<SoftwareTitle>));

describe("compiled rule set", () => {
  it.each(["some", "every"] as const)("picks the same first matching rule as checking every rule in order (%s version)", (quantifier) => {
    let matched = 0;
    let missed = 0;
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 30 }), fc.array(titleArb, { minLength: 1, maxLength: 20 }), (rules, titles) => {
        const set = new RuleSet(rules, quantifier);
        for (const t of titles) {
          const expected = firstMatchNaive(rules, t, quantifier);
          expect(set.firstMatch(viewOf(t))?.index).toBe(expected);
          if (expected === undefined) missed++;
          else matched++;
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
    // The generators must exercise both outcomes, or the agreement above proves little.
    expect(matched).toBeGreaterThan(200);
    expect(missed).toBeGreaterThan(200);
  });

  it.each([
    [{ name: "nmap" }, title("Nmap 7.92", { key: "nmap", versions: ["7.92"], sources: ["registry"] }), true],
    [{ name: "wireshark*" }, title("Wireshark 4.0.3 64-bit", { versions: ["4.0.3"], sources: ["registry"] }), true],
    [{ name: "Wireshark * (x64)" }, title("Wireshark 4.0.3 (x64)", { sources: ["registry"] }), true],
    [{ name: "nmap" }, title("nmap", { ids: ["nmap", "nmap-common"], sources: ["dpkg"] }), true],
    [{ name: "nmap-common" }, title("nmap", { ids: ["nmap", "nmap-common"], sources: ["dpkg"] }), true],
    [{ name: "nmap", source: "dpkg" }, title("nmap", { sources: ["homebrew"] }), false],
    [{ bundleId: "org.wireshark.Wireshark" }, title("Wireshark", { bundleId: "org.wireshark.Wireshark" }), true],
    [{ bundleId: "org.wireshark.*" }, title("Wireshark"), false],
    [{ publisher: "Microsoft*" }, title("Teams", { sources: ["registry"], declaredPublisher: "Microsoft Corporation" }), false],
    [{ publisher: "Microsoft*" }, title("Teams", { sources: ["registry"], identity: { publisher: "Microsoft Corporation" } }), true],
    [{ teamId: "EQHXZ8M8AV" }, title("Google Chrome", { identity: { teamId: "EQHXZ8M8AV" } }), true],
    [{ origin: "ftp.??.debian.org/debian" }, title("bash", { sources: ["dpkg"], identity: { origin: "ftp.nl.debian.org/debian" } }), true],
    [{ origin: "ftp.??.debian.org/debian" }, title("bash", { sources: ["dpkg"], identity: { origin: "ftp.evil.example/debian" } }), false],
    [{ name: "nmap", version: "<7.90" }, title("nmap", { versions: ["7.93+dfsg1-1"], sources: ["dpkg"] }), false],
    [{ name: "nmap", version: ">=7.0 <8" }, title("nmap", { versions: ["7.93+dfsg1-1"], sources: ["dpkg"] }), true],
    [{ source: "snap", origin: "canonical" }, title("lxd", { sources: ["snap"], identity: { origin: "canonical" } }), true],
    [{ name: "café*" }, title("Cafe\u0301 Manager"), true],
  ] as [SoftwareRule, SoftwareTitle, boolean][])("rule %j against %j: %s", (rule, t, expected) => {
    expect(ruleMatches(rule, t)).toBe(expected);
    expect(new RuleSet([rule]).firstMatch(viewOf(t)) !== undefined).toBe(expected);
  });
});
