import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareRpmEvr, parseRpmEvr, rpmvercmp } from "./rpm.js";

// Cases from rpm's own tests/rpmvercmp.at: segments of digits or letters, digits newer than letters, separators all
// alike, `~` older than anything (even the end), `^` newer than the end but older than any further segment.
const RPMVERCMP: readonly [string, string, number][] = [
  ["1.0", "1.0", 0],
  ["1.0", "2.0", -1],
  ["2.0", "1.0", 1],
  ["2.0.1", "2.0.1", 0],
  ["2.0", "2.0.1", -1],
  ["2.0.1a", "2.0.1a", 0],
  ["2.0.1a", "2.0.1", 1],
  ["5.5p1", "5.5p2", -1],
  ["5.5p10", "5.5p1", 1],
  ["10xyz", "10.1xyz", -1],
  ["xyz10", "xyz10.1", -1],
  ["xyz.4", "8", -1],
  ["8", "xyz.4", 1],
  ["xyz.4", "2", -1],
  ["5.5p2", "5.6p1", -1],
  ["6.0", "6.0.rc1", -1],
  ["10b2", "10a1", 1],
  ["1.0aa", "1.0a", 1],
  ["10.0001", "10.1", 0],
  ["10.0001", "10.0039", -1],
  ["4.999.9", "5.0", -1],
  ["20101121", "20101122", -1],
  ["2_0", "2_0", 0],
  ["2.0", "2_0", 0],
  ["a", "a", 0],
  ["a+", "a_", 0],
  ["+_", "_+", 0],
  ["1.0a", "1.0.1", -1],
  ["1.0~rc1", "1.0~rc1", 0],
  ["1.0~rc1", "1.0", -1],
  ["1.0", "1.0~rc1", 1],
  ["1.0~rc1", "1.0~rc2", -1],
  ["1.0~rc1~git123", "1.0~rc1", -1],
  ["1.0^", "1.0", 1],
  ["1.0^git1", "1.0", 1],
  ["1.0^git1", "1.01", -1],
  ["1.0^20160101", "1.0.1", -1],
  ["1.0^20160101^git1", "1.0^20160101", 1],
  ["1.0~rc1^git1", "1.0~rc1", 1],
  ["1.0^git1~pre", "1.0^git1", -1],
  ["1.0^git1", "1.0^git2", -1],
];

describe("rpm version order", () => {
  it.each(RPMVERCMP)("rpmvercmp(%s, %s) = %i", (a, b, expected) => {
    expect(rpmvercmp(a, b)).toBe(expected);
    expect(rpmvercmp(b, a)).toBe(-expected === 0 ? 0 : -expected);
  });

  it.each([
    ["1:3.82-24.el7", "3.90-1", 1],
    ["3.82-24.el7", "3.82-25.el7", -1],
    ["3.82", "3.82-24.el7", 0],
    ["0:3.82-24.el7", "3.82-24.el7", 0],
    ["2:1.0-1", "1:9.9-9", 1],
    ["3.10.0-1062.el7", "3.10.0-957.el7", 1],
    ["1.8.0.222.b10-1.el7_7", "1.8.0.232.b09-0.el7_7", -1],
  ] as const)("compares epoch:version-release %s with %s as %i", (a, b, expected) => {
    expect(compareRpmEvr(a, b)).toBe(expected);
  });

  it("splits epoch, version and release; a missing release stays missing", () => {
    expect(parseRpmEvr("1:3.82-24.el7")).toEqual({ epoch: 1, version: "3.82", release: "24.el7" });
    expect(parseRpmEvr("3.82")).toEqual({ epoch: 0, version: "3.82" });
  });

  it("is antisymmetric on arbitrary version strings", () => {
    const version = fc.stringMatching(/^[0-9a-z.~^_+]{0,10}$/);
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(rpmvercmp(a, a)).toBe(0);
        expect(rpmvercmp(a, b)).toBe(-rpmvercmp(b, a) || 0);
      }),
    );
  });
});
