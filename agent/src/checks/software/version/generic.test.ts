import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareGenericVersions } from "./generic.js";

const ORDERED: readonly [string, string][] = [
  ["7.92", "7.93"],
  ["4.0.3", "4.0.10"],
  ["1.9", "1.10"],
  ["9", "10"],
  ["1.0", "1.0.0.1"],
  ["1.0rc1", "1.0"],
  ["1.0-alpha", "1.0-beta"],
  ["1.0-beta", "1.0-rc1"],
  ["1.0-rc1", "1.0-rc2"],
  ["1.0-rc2", "1.0"],
  ["0.21.3 Beta", "0.21.3"],
  ["1.1.1", "1.1.1a"],
  ["14.29.30133", "14.36.32532.0"],
  ["2022.1", "2023.12"],
  ["116.0.5845.97", "116.0.5845.110"],
  ["1.0.beta", "1.0.1"],
];

const EQUAL: readonly [string, string][] = [
  ["1.0", "1.0.0"],
  ["v2.1", "2.1"],
  ["4.0.3", "4.00.03"],
  ["1.0-Beta", "1.0.beta"],
];

describe("generic version order", () => {
  it.each(ORDERED)("%s sorts before %s", (lower, higher) => {
    expect(compareGenericVersions(lower, higher)).toBeLessThan(0);
    expect(compareGenericVersions(higher, lower)).toBeGreaterThan(0);
  });

  it.each(EQUAL)("%s equals %s", (a, b) => {
    expect(compareGenericVersions(a, b)).toBe(0);
  });

  it("is antisymmetric on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(compareGenericVersions(a, a)).toBe(0);
        expect(Math.sign(compareGenericVersions(a, b))).toBe(-Math.sign(compareGenericVersions(b, a)) || 0);
      }),
    );
  });
});
