import { describe, expect, it } from "vitest";
import { ManualClock } from "./clock.js";
import { monotonicIds } from "./ids.js";

describe("monotonicIds", () => {
  it("makes UUIDv7 ids that sort in the order they were made, even within one millisecond", () => {
    const next = monotonicIds(new ManualClock());
    const ids = Array.from({ length: 5_000 }, () => next());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 3)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("keeps increasing when the clock steps back", () => {
    const clock = new ManualClock("2025-03-01T10:00:00.000Z");
    const next = monotonicIds(clock);
    const a = next();
    clock.advance(-60_000);
    const b = next();
    expect(b > a).toBe(true);
  });

  it("carries the millisecond in the timestamp field", () => {
    const next = monotonicIds(new ManualClock("2025-03-01T10:00:00.000Z"));
    const hex = next().replaceAll("-", "").slice(0, 12);
    expect(parseInt(hex, 16)).toBe(Date.parse("2025-03-01T10:00:00.000Z"));
  });
});
