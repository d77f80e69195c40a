import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { until } from "../testing/wait.js";
import { StoreHealth } from "./health.js";

const logger = pino({ level: "silent" });

describe("StoreHealth", () => {
  it("is unhealthy from the first failure with its reason and time, and healthy again after a successful write", () => {
    const clock = new ManualClock("2025-03-01T10:00:00.000Z");
    const health = new StoreHealth({ clock, logger });
    expect(health.state).toEqual({ ok: true });
    health.failed("disk full: database or disk is full (SQLITE_FULL)", false);
    clock.advance(5_000);
    health.failed("disk full: database or disk is full (SQLITE_FULL)", false);
    expect(health.state).toEqual({
      ok: false,
      reason: "disk full: database or disk is full (SQLITE_FULL)",
      since: "2025-03-01T10:00:00.000Z",
    });
    health.recovered();
    expect(health.state).toEqual({ ok: true });
  });

  it("probes a lost connection until it answers, and recovers by itself without any write", async () => {
    let probes = 0;
    const health = new StoreHealth({
      clock: new ManualClock("2025-03-01T10:00:00.000Z"),
      logger,
      probeEveryMs: 1,
      probe: async () => {
        if (++probes < 3) throw new Error("ECONNREFUSED");
      },
    });
    health.failed("database connection lost (ECONNREFUSED)", true);
    expect(health.state.ok).toBe(false);
    await until(() => health.state.ok, 5_000, "recovery by probe");
    expect(probes).toBe(3);
    health.stop();
  });
});
