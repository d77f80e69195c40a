// One token bucket on a monotonic clock: a burst, then a steady rate. For limits on real time (frames a second), not on the domain clock.

export class TokenBucket {
  #tokens: number;
  #atMs: number;
  readonly #perMs: number;

  constructor(
    private readonly burst: number,
    perSecond: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.#tokens = burst;
    this.#atMs = nowMs();
    this.#perMs = perSecond / 1000;
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.nowMs();
    this.#tokens = Math.min(this.burst, this.#tokens + Math.max(0, now - this.#atMs) * this.#perMs);
    this.#atMs = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
