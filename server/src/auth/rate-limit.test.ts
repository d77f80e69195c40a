import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { RateLimiter } from "./rate-limit.js";

describe("RateLimiter", () => {
  it("admits a burst, then refuses with the seconds until the next token", () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(3, 6, clock); // one token every 10 s
    expect([1, 2, 3].map(() => limiter.take("10.0.0.1").ok)).toEqual([true, true, true]);
    expect(limiter.take("10.0.0.1")).toEqual({ ok: false, retryAfterSeconds: 10 });
    clock.advance(4_000);
    expect(limiter.take("10.0.0.1")).toEqual({ ok: false, retryAfterSeconds: 6 });
  });

  it("refills at the steady rate up to the burst", () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(2, 60, clock); // one a second
    limiter.take("a");
    limiter.take("a");
    clock.advance(1_000);
    expect(limiter.take("a").ok).toBe(true);
    expect(limiter.take("a").ok).toBe(false);
    clock.advance(3_600_000);
    expect([limiter.take("a").ok, limiter.take("a").ok, limiter.take("a").ok]).toEqual([true, true, false]);
  });

  it("keeps one bucket per client address", () => {
    const limiter = new RateLimiter(1, 1, new ManualClock());
    expect(limiter.take("a").ok).toBe(true);
    expect(limiter.take("a").ok).toBe(false);
    expect(limiter.take("b").ok).toBe(true);
  });

  it("forgets idle full buckets when too many addresses are tracked", () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(1, 60, clock);
    for (let i = 0; i < 10_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
    clock.advance(60_000);
    limiter.take("fresh");
    expect(limiter.size).toBeLessThan(100);
  });
});

describe("RateLimiter under a spray of addresses", () => {
  it("stays bounded even when no bucket is idle, dropping the least recently used", () => {
    const limiter = new RateLimiter(1, 1, new ManualClock());
    for (let i = 0; i < 30_000; i++) limiter.take(`a${i}`);
    expect(limiter.size).toBeLessThanOrEqual(10_000);
    expect(limiter.take("a29999").ok).toBe(false); // the most recent ones are still remembered
  });
});
