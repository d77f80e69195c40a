// What to do with queued reports as the connection comes and goes and the server answers: pure decisions over state and events (the service performs them).
import type { ErrorFrame } from "@wegroup/shared";
import { backoffDelay, type BackoffOptions } from "./backoff.js";

/** How the agent retries a report the server refused for now (`unavailable`, `rate_limited`) while connected. */
export const REPORT_RETRY: BackoffOptions = { baseMs: 1_000, capMs: 60_000 };

/**
 * Per connection: whether its welcome was taken, which reports went out on it (each once), and which
 * wait to be sent again at a time. Nothing carries over to the next connection: everything still queued
 * goes out once after its welcome.
 */
export interface DeliveryState {
  readonly welcomed: boolean;
  /** Sent on this connection and not answered yet. */
  readonly sent: ReadonlySet<string>;
  /** Refused for now: sent again at `at`; `attempt` counts the refusals of this report on this connection. */
  readonly retry: ReadonlyMap<string, { attempt: number; at: number }>;
  /** Refusals so far per report on this connection (a resend that is refused again backs off further). */
  readonly refusals: ReadonlyMap<string, number>;
}

export type DeliveryAction =
  /** Send these queued reports now, in this order. */
  | { kind: "send"; ids: string[] }
  /** The first welcome of a connection: add the full state of the checks that nothing queued covers. */
  | { kind: "full-state" }
  /** Forget it (acknowledged, or refused for good): delete it from the outbox. */
  | { kind: "forget"; id: string; why: "acknowledged" | "refused" }
  /** Wake the service at this time to send what is due. */
  | { kind: "wake"; at: number }
  /** Nothing to do; said so that the service can log why (a repeated welcome, an answer to nothing queued). */
  | { kind: "ignore"; why: string };

export interface Step {
  state: DeliveryState;
  actions: DeliveryAction[];
}

export const DISCONNECTED: DeliveryState = Object.freeze({
  welcomed: false,
  sent: new Set<string>(),
  retry: new Map(),
  refusals: new Map(),
});

/** A new connection is open (not yet welcomed): nothing is in flight on it. */
export function onConnected(): DeliveryState {
  return DISCONNECTED;
}

/**
 * Only the first welcome of a connection counts: a server (or a man in the middle) that repeats it cannot
 * make the agent resend its queue or queue its state again, however often it says it.
 */
export function onWelcome(state: DeliveryState, queued: readonly string[]): Step {
  if (state.welcomed) return { state, actions: [{ kind: "ignore", why: "a repeated welcome on the same connection" }] };
  const ids = queued.filter((id) => !state.sent.has(id));
  return {
    state: { ...state, welcomed: true, sent: new Set([...state.sent, ...ids]) },
    // Oldest first: what was queued, then the full state (queued after, so it follows them).
    actions: [...(ids.length > 0 ? [{ kind: "send" as const, ids }] : []), { kind: "full-state" }],
  };
}

/** A report was just queued: it goes out at once if the connection was welcomed, else with the welcome. */
export function onQueued(state: DeliveryState, id: string): Step {
  if (!state.welcomed || state.sent.has(id)) return { state, actions: [] };
  return { state: { ...state, sent: new Set([...state.sent, id]) }, actions: [{ kind: "send", ids: [id] }] };
}

export function onAck(state: DeliveryState, id: string): Step {
  return { state: without(state, id), actions: [{ kind: "forget", id, why: "acknowledged" }] };
}

/**
 * An error frame about a queued report: refused for now (`unavailable`: the server cannot store it;
 * `rate_limited`: too many in flight or over a cap) → sent again on this connection after a growing,
 * jittered delay; refused for good (`invalid_frame`, `payload_too_large`) → dropped; anything else →
 * kept for the next connection. `isQueued` says whether the outbox still holds it.
 */
export function onRefusal(state: DeliveryState, frame: ErrorFrame, isQueued: boolean, now: number, random: () => number): Step {
  const id = frame.ref;
  if (id === undefined || !isQueued) return { state, actions: [{ kind: "ignore", why: "an error about no queued report" }] };
  if (frame.code === "invalid_frame" || frame.code === "payload_too_large") {
    return { state: without(state, id), actions: [{ kind: "forget", id, why: "refused" }] };
  }
  if (frame.code !== "unavailable" && frame.code !== "rate_limited")
    return { state, actions: [{ kind: "ignore", why: `kept for the next connection (${frame.code})` }] };
  if (!state.welcomed) return { state, actions: [{ kind: "ignore", why: "not connected: it goes out with the next welcome" }] };
  const attempt = (state.refusals.get(id) ?? 0) + 1;
  const at = now + backoffDelay(attempt - 1, REPORT_RETRY, random);
  const sent = new Set(state.sent);
  sent.delete(id);
  return {
    state: { ...state, sent, retry: new Map(state.retry).set(id, { attempt, at }), refusals: new Map(state.refusals).set(id, attempt) },
    actions: [{ kind: "wake", at: nextWake(state.retry, at) }],
  };
}

/** Time passed: the retries that are due go out (oldest queued first, as `queued` lists them); answers when to wake next. */
export function onTick(state: DeliveryState, queued: readonly string[], now: number): Step {
  if (!state.welcomed || state.retry.size === 0) return { state, actions: [] };
  const due = queued.filter((id) => (state.retry.get(id)?.at ?? Infinity) <= now);
  const retry = new Map([...state.retry].filter(([id, r]) => r.at > now && queued.includes(id)));
  const state2: DeliveryState = { ...state, retry, sent: new Set([...state.sent, ...due]) };
  const actions: DeliveryAction[] = due.length > 0 ? [{ kind: "send", ids: due }] : [];
  if (retry.size > 0) actions.push({ kind: "wake", at: Math.min(...[...retry.values()].map((r) => r.at)) });
  return { state: state2, actions };
}

function without(state: DeliveryState, id: string): DeliveryState {
  if (!state.sent.has(id) && !state.retry.has(id) && !state.refusals.has(id)) return state;
  const sent = new Set(state.sent);
  sent.delete(id);
  const retry = new Map(state.retry);
  retry.delete(id);
  const refusals = new Map(state.refusals);
  refusals.delete(id);
  return { ...state, sent, retry, refusals };
}

function nextWake(retry: DeliveryState["retry"], at: number): number {
  return Math.min(at, ...[...retry.values()].map((r) => r.at));
}
