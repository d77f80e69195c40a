import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { backoffDelay } from "./backoff.js";

describe("backoffDelay", () => {
  const options = { baseMs: 1_000, capMs: 60_000 };

  it("doubles the ceiling per attempt and never exceeds the cap", () => {
    expect(backoffDelay(0, options, () => 1)).toBe(1_000);
    expect(backoffDelay(3, options, () => 1)).toBe(8_000);
    expect(backoffDelay(40, options, () => 1)).toBe(60_000);
  });

  it("always lies between half the ceiling and the ceiling (jitter)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (attempt, r) => {
        const ceiling = Math.min(60_000, 1_000 * 2 ** Math.min(attempt, 30));
        const d = backoffDelay(attempt, options, () => r);
        return d >= Math.floor(ceiling / 2) && d <= ceiling;
      }),
    );
  });
});
