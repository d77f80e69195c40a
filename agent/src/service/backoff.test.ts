import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { backoffDelay, HEALTHY_AFTER_MS, reconnectStep } from "./backoff.js";

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

describe("reconnectStep (when the backoff starts over)", () => {
  it.each<[string, { welcomedAt?: number; closedAt: number; acked: boolean }, number]>([
    ["never welcomed (refused, unreachable): one step further", { closedAt: 1_000, acked: false }, 4],
    ["welcomed and dropped at once: one step further, not reset", { welcomedAt: 1_000, closedAt: 1_050, acked: false }, 4],
    ["welcomed, up almost long enough: not reset", { welcomedAt: 0, closedAt: HEALTHY_AFTER_MS - 1, acked: false }, 4],
    ["stayed up long enough after its welcome: reset", { welcomedAt: 0, closedAt: HEALTHY_AFTER_MS, acked: false }, 0],
    ["a report was acknowledged on it: reset", { welcomedAt: 0, closedAt: 10, acked: true }, 0],
  ])("%s", (_name, ended, step) => {
    expect(reconnectStep(4, ended)).toBe(step);
  });

  it("makes a server that welcomes and drops every time wait longer and longer", () => {
    let attempt = 0;
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const step = reconnectStep(attempt, { welcomedAt: i * 100, closedAt: i * 100 + 5, acked: false });
      delays.push(backoffDelay(step, { baseMs: 1_000, capMs: 60_000 }, () => 1));
      attempt = step + 1;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000]);
  });
});
