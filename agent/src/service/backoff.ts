// Reconnect delays: exponential with jitter, so that a thousand agents dropped at once do not return at once.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** The delay before reconnect attempt `attempt` (0-based): uniformly random in [d/2, d], d = min(cap, base·2^attempt). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
