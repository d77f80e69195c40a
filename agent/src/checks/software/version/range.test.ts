import fc from "fast-check";
import { VersionRange } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { inRange, parseVersionRange, versionOrderFor } from "./range.js";

describe("version ranges", () => {
  it("parses comparators joined by spaces or commas", () => {
    expect(parseVersionRange(">=7.0 <8")).toEqual([
      { op: ">=", version: "7.0" },
      { op: "<", version: "8" },
    ]);
    expect(parseVersionRange(">= 1.0, != 1.2,<=2")).toEqual([
      { op: ">=", version: "1.0" },
      { op: "!=", version: "1.2" },
      { op: "<=", version: "2" },
    ]);
    expect(parseVersionRange("==4.5")).toEqual([{ op: "=", version: "4.5" }]);
  });

  it("parses every range the policy schema accepts", () => {
    const comparator = fc.tuple(
      fc.constantFrom(">=", "<=", ">", "<", "==", "=", "!="),
      fc.constantFrom("", " ", "  "),
      fc.stringMatching(/^[0-9a-z.:~+^_-]{1,8}$/),
    );
    const joiner = fc.constantFrom("", " ", ",", ", ", " , ", "  ");
    fc.assert(
      fc.property(fc.array(fc.tuple(comparator, joiner), { minLength: 1, maxLength: 4 }), fc.constantFrom("", " "), (parts, pad) => {
        const text = pad + parts.map(([[op, space, version], join], i) => `${i > 0 ? join : ""}${op}${space}${version}`).join("") + pad;
        if (!VersionRange.safeParse(text).success) return;
        expect(parseVersionRange(text)).toHaveLength(parts.length);
      }),
    );
  });

  it("rejects text that is not a range", () => {
    expect(() => parseVersionRange("7.0")).toThrow(/not a version range/);
    expect(() => parseVersionRange(">=7.0 junk")).toThrow(/not a version range/);
  });

  it.each([
    ["dpkg", "7.93+dfsg1-1", ">=7.0 <8", true],
    ["dpkg", "7.93+dfsg1-1", "<7.90", false],
    ["dpkg", "7.93+dfsg1-1", ">=7.93", true],
    ["dpkg", "7.93+dfsg1-1", "=7.93", false],
    ["dpkg", "1:1.0", ">=2.0", true],
    ["dpkg", "1.0~rc1", "<1.0", true],
    ["rpm", "1:3.82-24.el7", ">=1:3.80", true],
    ["rpm", "1:3.82-24.el7", "<4", false],
    ["rpm", "3.82-24.el7", "=3.82", true],
    ["rpm", "1.0~rc1-1", "<1.0", true],
    ["registry", "7.92", ">=7.0 <8", true],
    ["registry", "8.0", ">=7.0 <8", false],
    ["homebrew", "7.95", "!=7.95", false],
    ["app", "4.0.3", ">4.0.2, <4.0.10", true],
  ] as const)("%s version %s in %s: %s", (source, version, range, expected) => {
    expect(inRange(version, parseVersionRange(range), versionOrderFor(source))).toBe(expected);
  });

  it("puts an unknown (empty) version in no range", () => {
    expect(inRange("", parseVersionRange(">=0"), versionOrderFor("registry"))).toBe(false);
    expect(inRange(" ", parseVersionRange("!=1"), versionOrderFor("dpkg"))).toBe(false);
  });
});
