import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareDpkgVersions, parseDpkgVersion } from "./dpkg.js";

// Cases from deb-version(7) and dpkg's own version tests: epochs first, `~` before anything (even the end),
// letters before other symbols, numbers compared as numbers, the revision after the last hyphen.
const ORDERED: readonly [string, string][] = [
  ["2.0", "1:1.0"],
  ["1:9.9", "2:0.1"],
  ["1.0~rc1", "1.0"],
  ["1.0~~", "1.0~~a"],
  ["1.0~~a", "1.0~"],
  ["1.0~", "1.0"],
  ["1.0", "1.0a"],
  ["1.0a", "1.0+"],
  ["1.0", "1.0+dfsg"],
  ["1.0+dfsg", "1.0.1"],
  ["1.2.3", "1.2.10"],
  ["7.93-1", "7.93+dfsg1-1"],
  ["7.92+dfsg2-1", "7.93+dfsg1-1"],
  ["7.93+dfsg1-1", "7.93+dfsg1-2"],
  ["7.93+dfsg1-1", "7.94-1"],
  ["4.9.3-0ubuntu0.18.04.1", "4.99.3-1"],
  ["4.99.3-1", "4.99.3-1+deb12u1"],
  ["0.11.0-1", "0.11.0-1+deb12u3"],
  ["1.0-1", "1.0-2"],
  ["1.0-9", "1.0-10"],
  ["2.36-9+deb12u3", "2.36-9+deb12u4"],
  ["1.0-1~bpo12+1", "1.0-1"],
  ["1:2.38.1-5+b1", "1:2.38.1-5+deb12u1"],
];

const EQUAL: readonly [string, string][] = [
  ["1.0", "1.0"],
  ["0:1.0", "1.0"],
  ["1.0", "1.0-0"],
  ["0001.2", "1.2"],
  ["1.02", "1.2"],
];

describe("dpkg version order", () => {
  it.each(ORDERED)("%s sorts before %s", (lower, higher) => {
    expect(compareDpkgVersions(lower, higher)).toBeLessThan(0);
    expect(compareDpkgVersions(higher, lower)).toBeGreaterThan(0);
  });

  it.each(EQUAL)("%s equals %s", (a, b) => {
    expect(compareDpkgVersions(a, b)).toBe(0);
    expect(compareDpkgVersions(b, a)).toBe(0);
  });

  it("splits epoch, upstream and the revision after the last hyphen", () => {
    expect(parseDpkgVersion("1:2.38.1-5+deb12u1")).toEqual({ epoch: 1, upstream: "2.38.1", revision: "5+deb12u1" });
    expect(parseDpkgVersion("7.93+dfsg1-1")).toEqual({ epoch: 0, upstream: "7.93+dfsg1", revision: "1" });
    expect(parseDpkgVersion("1.0-beta-3")).toEqual({ epoch: 0, upstream: "1.0-beta", revision: "3" });
    expect(parseDpkgVersion("3.134")).toEqual({ epoch: 0, upstream: "3.134", revision: "" });
  });

  it("is antisymmetric and reflexive on arbitrary version strings", () => {
    const version = fc.stringMatching(/^(\d{1,2}:)?[0-9][0-9a-z.+~]{0,8}(-[0-9a-z.+~]{1,6})?$/);
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(compareDpkgVersions(a, a)).toBe(0);
        // Summed, not negated: -Math.sign(0) is -0, which toBe tells apart from 0.
        expect(Math.sign(compareDpkgVersions(a, b)) + Math.sign(compareDpkgVersions(b, a))).toBe(0);
      }),
    );
  });

  it("sorts consistently (transitive) on arbitrary version strings", () => {
    const version = fc.stringMatching(/^[0-9][0-9a-z.+~]{0,6}(-[0-9a-z~]{1,3})?$/);
    fc.assert(
      fc.property(fc.array(version, { minLength: 3, maxLength: 12 }), (list) => {
        const sorted = [...list].sort(compareDpkgVersions);
        for (let i = 1; i < sorted.length; i++)
          expect(compareDpkgVersions(sorted[i - 1] as string, sorted[i] as string)).toBeLessThanOrEqual(0);
      }),
    );
  });
});
