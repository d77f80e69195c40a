// Reconnect delays: exponential with jitter, so that a thousand agents dropped at once do not return at once.
import { delayInWindow, type ReconnectWindow } from "@wegroup/shared";

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** The delay before reconnect attempt `attempt` (0-based): uniformly random in [d/2, d], d = min(cap, base·2^attempt). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A connection has proven healthy once the server acknowledged a report on it, or once it stayed up this long after its welcome. */
export const HEALTHY_AFTER_MS = 30_000;

export interface ConnectionEnd {
  /** When its welcome came (undefined: it never got one — refused, or cut before). */
  welcomedAt?: number;
  closedAt: number;
  /** The server acknowledged a report on it. */
  acked: boolean;
}

/**
 * The backoff step of the reconnect after a connection ended (`attempt`: the step the next reconnect
 * would take): the first step again only after a healthy connection. A welcome alone does not reset it,
 * so a server that welcomes and drops at once (overloaded, or a proxy cutting the socket) does not make
 * every agent reconnect at the first step's pace forever.
 */
export function reconnectStep(attempt: number, ended: ConnectionEnd, healthyAfterMs: number = HEALTHY_AFTER_MS): number {
  const healthy = ended.acked || (ended.welcomedAt !== undefined && ended.closedAt - ended.welcomedAt >= healthyAfterMs);
  return healthy ? 0 : attempt;
}

/**
 * The reconnect after a connection ended: at a moment in the window the server announced when it closed the connection
 * (herd control; the backoff starts over after it, so a server that is not back yet is retried at the first step's
 * pace), else after the backoff's delay for the step reconnectStep gives. `nextAttempt`: the step of the reconnect after.
 */
export function reconnectPlan(
  attempt: number,
  ended: ConnectionEnd,
  window: ReconnectWindow | undefined,
  options: BackoffOptions,
  random: () => number,
  healthyAfterMs: number = HEALTHY_AFTER_MS,
): { delayMs: number; nextAttempt: number } {
  if (window !== undefined) return { delayMs: delayInWindow(window, random), nextAttempt: 0 };
  const step = reconnectStep(attempt, ended, healthyAfterMs);
  return { delayMs: backoffDelay(step, options, random), nextAttempt: step + 1 };
}
