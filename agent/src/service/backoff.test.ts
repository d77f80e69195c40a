import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseReconnectWindow, reconnectReason, reconnectWindowFor } from "@wegroup/shared";
import { backoffDelay, HEALTHY_AFTER_MS, reconnectPlan, reconnectStep } from "./backoff.js";

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

describe("reconnectPlan (herd control)", () => {
  const options = { baseMs: 1_000, capMs: 60_000 };
  const dropped = { closedAt: 1_000, acked: false };

  it("comes back within the window the server announced, whatever step the backoff had reached, and starts the backoff over", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const plan = reconnectPlan(attempt, dropped, { minMs: 1_000, maxMs: 6_000 }, options, () => r);
        return plan.delayMs >= 1_000 && plan.delayMs <= 6_000 && plan.nextAttempt === 0;
      }),
    );
  });

  it("without a window, is the backoff: one step further after a connection that was not healthy", () => {
    expect(reconnectPlan(3, dropped, undefined, options, () => 1)).toEqual({ delayMs: 8_000, nextAttempt: 4 });
    expect(reconnectPlan(3, { ...dropped, acked: true }, undefined, options, () => 1)).toEqual({ delayMs: 1_000, nextAttempt: 1 });
  });

  it("follows a server's close reason end to end: a restart of 10,000 agents spreads them over 1-6 s", () => {
    const window = parseReconnectWindow(reconnectReason("server shutting down", reconnectWindowFor(10_000)));
    const delays = [0, 0.5, 1].map((r) => reconnectPlan(7, dropped, window, options, () => r).delayMs);
    expect(delays).toEqual([1_000, 3_500, 6_000]);
  });
});
