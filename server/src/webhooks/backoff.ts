// When to try a failing webhook receiver again: exponential backoff with full jitter, capped (pure).

export interface RetryPolicy {
  /** The first retry waits up to this long... */
  baseMs: number;
  /** ...each next one twice as long, never longer than this. */
  maxMs: number;
}

/**
 * The wait before the next attempt after `attempts` failures in a row (≥ 1): between half and all of
 * min(max, base·2^(attempts−1)), so that receivers coming back are not hit by every sender at once.
 * `random` is in [0, 1).
 */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random: number): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 40);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
