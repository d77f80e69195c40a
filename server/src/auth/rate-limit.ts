// A token bucket per key (client address): a burst, then a steady rate; answers how long to wait when empty.
import type { Clock } from "../clock.js";

interface Bucket {
  tokens: number;
  atMs: number;
}

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Keys kept before full (idle) buckets are forgotten: bounds memory under a spray of addresses. */
const MAX_KEYS = 10_000;

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMs: number;

  constructor(
    private readonly burst: number,
    perMinute: number,
    private readonly clock: Clock,
  ) {
    this.#perMs = perMinute / 60_000;
  }

  take(key: string): Admission {
    const nowMs = this.clock.now().getTime();
    const bucket = this.#refilled(this.#buckets.get(key), nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.#store(key, bucket, nowMs);
      return { ok: true };
    }
    this.#store(key, bucket, nowMs);
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000)) };
  }

  #refilled(bucket: Bucket | undefined, nowMs: number): Bucket {
    if (bucket === undefined) return { tokens: this.burst, atMs: nowMs };
    const elapsed = Math.max(0, nowMs - bucket.atMs);
    return { tokens: Math.min(this.burst, bucket.tokens + elapsed * this.#perMs), atMs: nowMs };
  }

  #store(key: string, bucket: Bucket, nowMs: number): void {
    this.#buckets.delete(key); // re-insert: the map stays in order of last use
    this.#buckets.set(key, bucket);
    if (this.#buckets.size <= MAX_KEYS) return;
    // Over the bound: forget idle (full) buckets, then the least recently used, down to 90 % so that
    // the sweep runs once per many new addresses rather than on every one.
    for (const [k, b] of this.#buckets) {
      if (this.#refilled(b, nowMs).tokens >= this.burst) this.#buckets.delete(k);
    }
    for (const k of this.#buckets.keys()) {
      if (this.#buckets.size <= MAX_KEYS * 0.9) break;
      this.#buckets.delete(k);
    }
  }

  get size(): number {
    return this.#buckets.size;
  }
}
