// The agent service's decisions, stage by stage: pure functions of state and an event that answer the next state
// and what to do. agent-service.ts holds the state and performs the answers through its channel, outbox and
// scheduler. (Reports as the connection comes and goes, and what a refused report becomes: delivery.ts; the full
// state after a welcome: full-state.ts; pushed policies in order: policy-order.ts.)
import { type AgentCheckId, type CheckResult, describeZodError, type EnforcementAction, type ErrorFrame, Policy } from "@wegroup/shared";
import { afterWelcome } from "./full-state.js";

/** One check's latest verdict, when it was observed, and its canonical form (what "changed" compares). */
export interface Latest {
  readonly result: CheckResult;
  readonly observedAt: Date;
  readonly key: string;
}

/** What one run of checks gave: a verdict and what was done about it. */
export interface RunOutcome {
  readonly result: CheckResult;
  readonly enforcement: readonly EnforcementAction[];
}

export interface CheckRunStep {
  latest: Map<AgentCheckId, Latest>;
  /** The results to report: changed ones, those acted on, or all of them (`reportAll`). */
  report: CheckResult[];
  enforcement: EnforcementAction[];
  /** Checks to run again shortly (after an enforcement: confirm the device is gone, or still there). */
  recheck: AgentCheckId[];
}

/** Stage "checks ran": what changed since the last run and must be reported, and what to look at again. */
export function afterCheckRun(
  latest: ReadonlyMap<AgentCheckId, Latest>,
  outcomes: readonly RunOutcome[],
  observedAt: Date,
  reportAll: boolean,
): CheckRunStep {
  const next = new Map(latest);
  const report: CheckResult[] = [];
  for (const { result, enforcement } of outcomes) {
    const key = JSON.stringify(result);
    if (reportAll || latest.get(result.check)?.key !== key || enforcement.length > 0) report.push(result);
    next.set(result.check, { result, observedAt, key });
  }
  const enforcement = outcomes.flatMap((o) => o.enforcement);
  // The checks that acted, named by their own actions: nothing here knows which check may eject what.
  const recheck = [...new Set(enforcement.map((a) => a.check))];
  return { latest: next, report, enforcement, recheck };
}

/** Delay before the look that confirms an enforcement. */
export const RECHECK_AFTER_ENFORCEMENT_MS = 2_000;

/** One enforcement attempt per subject per this long: a device that resists is reported, not hammered. */
export const ENFORCE_RETRY_MS = 5 * 60_000;

/** Stage "a failing subject could be acted on": allowed now, and the throttle's next state. */
export function enforceNow(
  last: ReadonlyMap<string, number>,
  check: AgentCheckId,
  subject: string,
  now: number,
): { act: boolean; last: ReadonlyMap<string, number> } {
  const key = `${check}\u0000${subject}`;
  const previous = last.get(key);
  if (previous !== undefined && now - previous < ENFORCE_RETRY_MS) return { act: false, last };
  return { act: true, last: new Map(last).set(key, now) };
}

/** Check runs are serialised; requests that arrive while one is waiting merge into it. */
export interface CheckRequest {
  readonly checks: ReadonlySet<AgentCheckId>;
  /** Report every result of the run, changed or not (the policy changed). */
  readonly full: boolean;
}

/** Stage "checks requested": a new waiting run, or the waiting one grown (`merged`: no new run is queued). */
export function requestChecks(
  waiting: CheckRequest | undefined,
  ids: readonly AgentCheckId[],
  full: boolean,
): { waiting: CheckRequest; merged: boolean } {
  if (waiting === undefined) return { waiting: { checks: new Set(ids), full }, merged: false };
  return { waiting: { checks: new Set([...waiting.checks, ...ids]), full: waiting.full || full }, merged: true };
}

export interface WelcomeStep {
  /** First welcome of this connection's life as "connected": heartbeats start. */
  startHeartbeat: boolean;
  /** Set when this is the connection's first welcome: whether the full state waits for the server's policy. */
  awaitingPolicy?: boolean;
}

/**
 * Stage "welcome": heartbeats start with the first one; the connection's first welcome decides whether the full
 * state goes out now or waits for the policy the server sends next (its version differs from ours). A repeated
 * welcome changes nothing.
 */
export function onWelcome(
  connected: boolean,
  firstOfConnection: boolean,
  ourPolicyVersion: number,
  welcomePolicyVersion: number,
): WelcomeStep {
  return {
    startHeartbeat: !connected,
    ...(firstOfConnection ? { awaitingPolicy: afterWelcome(ourPolicyVersion, welcomePolicyVersion) === "await-policy" } : {}),
  };
}

export interface PolicyApplyStep {
  /** A new version: cache it, use it, restart the heartbeat at its interval. */
  adopt: boolean;
  /** After answering `policy-applied`: run every check again and report all (new version), send the held full state, or nothing. */
  then: "recheck-all" | "full-state" | "nothing";
}

/** Stage "a pushed policy validated": adopt it if new; what follows depends on whether the full state was held for it. */
export function onPolicyValid(currentVersion: number, pushedVersion: number, awaitingPolicy: boolean): PolicyApplyStep {
  if (pushedVersion !== currentVersion) return { adopt: true, then: "recheck-all" };
  return { adopt: false, then: awaitingPolicy ? "full-state" : "nothing" };
}

export type InvalidFrameStep =
  /** A pushed policy that does not validate: answer this error, keep the policy in force, and send the held full state if one was held. */
  { kind: "refuse-policy"; error: ErrorFrame; detail: string; sendHeldFullState: boolean } | { kind: "ignore"; type: string | undefined };

/** Stage "a server frame did not validate": a broken policy is refused out loud; anything else is logged and ignored. */
export function onInvalidFrame(detail: string, raw: unknown, awaitingPolicy: boolean): InvalidFrameStep {
  const type = typeof raw === "object" && raw !== null && "type" in raw ? String(raw.type) : undefined;
  if (type !== "policy") return { kind: "ignore", type };
  const policy = Policy.safeParse((raw as { policy?: unknown }).policy);
  const message = policy.success ? detail : describeZodError(policy.error);
  return {
    kind: "refuse-policy",
    error: { type: "error", code: "invalid_policy", message: `policy refused: ${message}` },
    detail: message,
    sendHeldFullState: awaitingPolicy,
  };
}
