// Which violations to tell the person at the laptop about now: each once while it lasts, a few at a time (pure).
import type { AgentCheckId, CheckResult, CheckViolation } from "@wegroup/shared";

export interface NotifyState {
  /** `check\u0000subject` of every violation told about (or waiting its turn) that still lasts. */
  notified: string[];
  /** When the notifications inside the current window were shown (epoch ms). */
  shownAt: number[];
}

export const EMPTY_NOTIFY_STATE: NotifyState = { notified: [], shownAt: [] };

export interface NotifyLimits {
  /** At most this many notifications... */
  maxPerWindow: number;
  /** ...within this many milliseconds; the rest wait their turn (they are not dropped). */
  windowMs: number;
}

export const DEFAULT_NOTIFY_LIMITS: Readonly<NotifyLimits> = Object.freeze({ maxPerWindow: 3, windowMs: 10 * 60_000 });

export interface Due {
  check: AgentCheckId;
  violation: CheckViolation;
}

export function violationKey(check: AgentCheckId, subject: string): string {
  return `${check}\u0000${subject}`;
}

/**
 * After a check run (`results`: the latest result of every check): the violations opened since the last
 * decision are due, oldest check order first, as many as the window allows; one that ends (its check passes,
 * or fails without it) is forgotten, so that it is told about again if it opens again later. A check that
 * cannot tell (`unknown`) forgets nothing. With `enabled` false (the policy's switch), nothing is due and
 * nothing is marked, so that switching it on tells about what is open then.
 */
export function decideNotifications(
  state: NotifyState,
  results: readonly CheckResult[],
  now: number,
  limits: NotifyLimits,
  enabled: boolean,
): { due: Due[]; state: NotifyState } {
  const decided = new Map(results.map((r) => [r.check, r]));
  const lasting = state.notified.filter((key) => {
    const check = key.slice(0, key.indexOf("\u0000")) as AgentCheckId;
    const result = decided.get(check);
    if (result === undefined || result.status === "unknown") return true;
    return result.violations.some((v) => violationKey(check, v.subject) === key);
  });
  const shownAt = state.shownAt.filter((t) => now - t < limits.windowMs && t <= now);
  if (!enabled) return { due: [], state: { notified: lasting, shownAt } };
  const known = new Set(lasting);
  const fresh: Due[] = [];
  for (const result of results) {
    if (result.status !== "fail") continue;
    for (const violation of result.violations) {
      const key = violationKey(result.check, violation.subject);
      if (known.has(key)) continue;
      known.add(key);
      fresh.push({ check: result.check, violation });
    }
  }
  const room = Math.max(0, limits.maxPerWindow - shownAt.length);
  const due = fresh.slice(0, room);
  return {
    due,
    state: {
      notified: [...lasting, ...due.map((d) => violationKey(d.check, d.violation.subject))],
      shownAt: [...shownAt, ...due.map(() => now)],
    },
  };
}
