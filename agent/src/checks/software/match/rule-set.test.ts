import fc from "fast-check";
import type { SoftwareRule, SoftwareSource } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import type { InstalledPackage } from "../facts.js";
import { RuleSet, firstMatchNaive } from "./rule-set.js";
import { compileField, ruleMatches, viewOf } from "./rule.js";

const SOURCES: SoftwareSource[] = ["dpkg", "rpm", "snap", "flatpak", "homebrew", "app", "registry"];
// Patterns chosen to hit every path: exact names, prefixed globs, leading wildcards, picomatch syntax
// (negation, braces, classes, `++` repetition, a leading "./"), case differences and non-ASCII.
const NAME_PATTERNS = [
  "nmap", "NMAP", "nmap*", "Nmap-*", "*map", "*shark*", "wireshark", "Wireshark*", "n?ap", "[nw]*", "!(nmap)", "{nmap,tcpdump}",
  "notepad++", "./nmap", ".hidden*", "K*", "kmap", "libpcap0.8", "nmap 7.92", "Ärger*", "tcpdump", "7-zip", "a/b*", "*",
];
const NAMES = [
  "nmap", "Nmap", "NMAP", "nmap-common", "Nmap 7.92", "Wireshark 4.0.3 64-bit", "wireshark-qt", "tcpdump", "notepad++", "notepad+",
  "Notepad++ (64-bit x64)", ".hidden", ".hiddenfile", "\u212Amap", "kmap", "Kmap", "libpcap0.8", "ärger", "Ärgernis", "7-Zip 22.01 (x64)",
  "a/b/c", "./nmap", "zmap", "",
];
const PUBLISHERS = ["Microsoft Corporation", "microsoft*", "Debian Security Tools <team+pkg-security@tracker.debian.org>", "canonical", "Canonical*", "*tools*"];
const BUNDLE_IDS = ["org.wireshark.Wireshark", "org.wireshark.*", "ORG.WIRESHARK.WIRESHARK", "com.apple.*", "com.apple.Safari", "*.Wireshark"];
const VERSIONS = ["7.92", "7.93+dfsg1-1", "1:3.82-24.el7", "4.0.3", "", "1.0~rc1"];
const RANGES = [">=7.0 <8", "<7.93", ">=1:3.80", "=4.0.3", "!=7.92"];

// Rules set few fields (as real ones do), so that a fair share of packages match some rule.
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const ruleArb: fc.Arbitrary<SoftwareRule> = fc
  .record({
    name: fc.option(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...NAME_PATTERNS) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 6 }) }), { nil: undefined }),
    publisher: rarely(fc.constantFrom(...PUBLISHERS)),
    bundleId: rarely(fc.constantFrom(...BUNDLE_IDS)),
    source: rarely(fc.constantFrom(...SOURCES)),
    version: rarely(fc.constantFrom(...RANGES)),
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as SoftwareRule)
  .filter((r) => r.name !== undefined || r.publisher !== undefined || r.bundleId !== undefined || r.source !== undefined);

const packageArb: fc.Arbitrary<InstalledPackage> = fc
  .record({
    name: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }),
    version: fc.constantFrom(...VERSIONS),
    source: fc.constantFrom(...SOURCES),
    publisher: maybe(fc.constantFrom(...PUBLISHERS, "Wireshark Foundation", "mozilla")),
    bundleId: maybe(fc.constantFrom(...BUNDLE_IDS, "org.mozilla.firefox")),
  })
  .map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as InstalledPackage);

describe("compiled rule set", () => {
  it("picks the same first matching rule as checking every rule in order", () => {
    let matched = 0;
    let missed = 0;
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 30 }), fc.array(packageArb, { minLength: 1, maxLength: 20 }), (rules, packages) => {
        const set = new RuleSet(rules);
        for (const pkg of packages) {
          const expected = firstMatchNaive(rules, pkg);
          expect(set.firstMatch(viewOf(pkg))?.index).toBe(expected);
          if (expected === undefined) missed++;
          else matched++;
        }
      }),
      { numRuns: 400 },
    );
    // The generators must exercise both outcomes, or the agreement above proves little.
    expect(matched).toBeGreaterThan(500);
    expect(missed).toBeGreaterThan(500);
  });

  it.each([
    [{ name: "nmap" }, { name: "Nmap 7.92", version: "7.92", source: "registry" }, true],
    [{ name: "wireshark*" }, { name: "Wireshark 4.0.3 64-bit", version: "4.0.3", source: "registry" }, true],
    [{ name: "nmap" }, { name: "nmap-common", version: "7.93+dfsg1-1", source: "dpkg" }, false],
    [{ name: "nmap", source: "dpkg" }, { name: "nmap", version: "7.95", source: "homebrew" }, false],
    [{ bundleId: "org.wireshark.Wireshark" }, { name: "Wireshark", version: "4.2.0", source: "app", bundleId: "org.wireshark.Wireshark" }, true],
    [{ bundleId: "org.wireshark.*" }, { name: "Wireshark", version: "4.2.0", source: "app" }, false],
    [{ publisher: "Microsoft*" }, { name: "Teams", version: "1.0", source: "registry", publisher: "Microsoft Corporation" }, true],
    [{ name: "nmap", version: "<7.90" }, { name: "nmap", version: "7.93+dfsg1-1", source: "dpkg" }, false],
    [{ name: "nmap", version: ">=7.0 <8" }, { name: "nmap", version: "7.93+dfsg1-1", source: "dpkg" }, true],
    [{ source: "snap", publisher: "canonical*" }, { name: "lxd", version: "git-def587b", source: "snap", publisher: "canonical" }, true],
  ] as [SoftwareRule, InstalledPackage, boolean][])("rule %j against %j: %s", (rule, pkg, expected) => {
    expect(ruleMatches(rule, pkg)).toBe(expected);
    expect(new RuleSet([rule]).firstMatch(viewOf(pkg)) !== undefined).toBe(expected);
  });

  it("compares glob-free printable ASCII patterns as strings and everything else as globs", () => {
    expect(compileField("Nmap")).toEqual({ kind: "exact", key: "nmap" });
    expect(compileField("Wireshark*")).toEqual({ kind: "glob", pattern: "Wireshark*", prefix: "wireshark" });
    expect(compileField("notepad++")).toEqual({ kind: "glob", pattern: "notepad++", prefix: "notepad" });
    expect(compileField("./nmap")).toEqual({ kind: "glob", pattern: "./nmap", prefix: "" });
    expect(compileField("Ärger")).toEqual({ kind: "glob", pattern: "Ärger", prefix: "" });
  });
});
