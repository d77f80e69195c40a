import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./backoff.js";

const policy = { baseMs: 1_000, maxMs: 300_000 };

describe("retryDelayMs", () => {
  it.each([
    [1, 0, 500],
    [1, 0.999_999, 1_000],
    [2, 0, 1_000],
    [3, 0.5, 3_000],
    [9, 0, 128_000],
    [10, 0, 150_000],
    [50, 0.999_999, 300_000],
  ])("after %i failures with random %f waits %i ms", (attempts, random, expected) => {
    expect(retryDelayMs(attempts, policy, random)).toBe(expected);
  });

  it("stays between half the ceiling and the ceiling, and the ceiling never shrinks as failures add up", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempts, random) => {
          const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts - 1, 40));
          const wait = retryDelayMs(attempts, policy, random);
          expect(wait).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(wait).toBeLessThanOrEqual(ceiling);
          expect(retryDelayMs(attempts + 1, policy, 0)).toBeGreaterThanOrEqual(retryDelayMs(attempts, policy, 0));
        },
      ),
    );
  });
});
