// The violation state machine, pure: observations in, transitions out. Nothing else decides whether a violation is new.
import type { CheckId, CheckResult, CheckViolation } from "@wegroup/shared";
import { sameTitle, type ViolationRecord } from "./record.js";

/** What one report says about one subject of one check. */
export type Observation =
  { kind: "failing"; at: string; violation: CheckViolation } | { kind: "passing"; at: string } | { kind: "unknown"; at: string };

export type Step =
  | { kind: "unchanged" }
  /** A new row: firstSeen = lastSeen = the observation time. */
  | { kind: "opened"; violation: ViolationRecord }
  /** Still failing: lastSeen (and the wording) move on; never an event, so the feed does not flood. */
  | { kind: "updated"; before: ViolationRecord; violation: ViolationRecord }
  /** No longer failing: resolvedAt = the observation time. */
  | { kind: "resolved"; before: ViolationRecord; violation: ViolationRecord };

export type Transition = Exclude<Step, { kind: "unchanged" }>;

/** Where a new row would go: the caller supplies ids (UUIDv7, from its clock). */
export interface NewRow {
  id: string;
  deviceId: string;
  check: CheckId;
}

const isLasting = (v: ViolationRecord | undefined): v is ViolationRecord => v !== undefined && v.status !== "resolved";
const before = (a: string, b: string): boolean => Date.parse(a) < Date.parse(b);

/** One subject: the row that lasts for it (if any) and what was just observed. */
export function transition(current: ViolationRecord | undefined, seen: Observation, fresh: () => NewRow): Step {
  if (seen.kind === "unknown") return { kind: "unchanged" };
  if (!isLasting(current)) {
    if (seen.kind === "passing") return { kind: "unchanged" };
    const row = fresh();
    return {
      kind: "opened",
      violation: {
        ...row,
        subject: seen.violation.subject,
        rule: seen.violation.rule ?? null,
        message: seen.violation.message,
        observed: seen.violation.observed,
        expected: seen.violation.expected,
        status: "open",
        firstSeen: seen.at,
        lastSeen: seen.at,
        resolvedAt: null,
        title: seen.violation.title ?? null,
      },
    };
  }
  // An observation older than what the row already reflects cannot tell anything new about it.
  if (before(seen.at, current.lastSeen)) return { kind: "unchanged" };
  if (seen.kind === "passing") {
    return { kind: "resolved", before: current, violation: { ...current, status: "resolved", resolvedAt: seen.at } };
  }
  const next: ViolationRecord = {
    ...current,
    rule: seen.violation.rule ?? null,
    message: seen.violation.message,
    observed: seen.violation.observed,
    expected: seen.violation.expected,
    // The subject (the title key) stays; what the title looks like now (its versions after an upgrade) is taken.
    title: seen.violation.title ?? null,
    lastSeen: seen.at,
  };
  return sameRecord(current, next) ? { kind: "unchanged" } : { kind: "updated", before: current, violation: next };
}

export interface CheckOutcome {
  /** The result is older than the last one applied for this device and check: stored, but it changes nothing. */
  stale: boolean;
  transitions: Transition[];
}

/**
 * One check's result for one device against the rows that last for that device and check. A pass or
 * a fail says something about every subject (listed: failing; not listed: passing); `unknown` says nothing.
 */
export function applyCheckResult(
  lasting: readonly ViolationRecord[],
  lastObservedAt: string | undefined,
  result: CheckResult,
  observedAt: string,
  fresh: (subject: string) => NewRow,
): CheckOutcome {
  if (lastObservedAt !== undefined && before(observedAt, lastObservedAt)) return { stale: true, transitions: [] };
  if (result.status === "unknown") return { stale: false, transitions: [] };
  const failing = new Map<string, CheckViolation>();
  for (const v of result.violations) if (!failing.has(v.subject)) failing.set(v.subject, v);

  const transitions: Transition[] = [];
  const push = (step: Step): void => {
    if (step.kind !== "unchanged") transitions.push(step);
  };
  const covered = new Set<string>();
  for (const current of lasting) {
    if (!isLasting(current)) continue;
    covered.add(current.subject);
    const violation = failing.get(current.subject);
    const seen: Observation =
      violation === undefined ? { kind: "passing", at: observedAt } : { kind: "failing", at: observedAt, violation };
    push(transition(current, seen, () => fresh(current.subject)));
  }
  for (const [subject, violation] of failing) {
    if (covered.has(subject)) continue;
    push(transition(undefined, { kind: "failing", at: observedAt, violation }, () => fresh(subject)));
  }
  return { stale: false, transitions };
}

function sameRecord(a: ViolationRecord, b: ViolationRecord): boolean {
  return (
    a.lastSeen === b.lastSeen &&
    a.message === b.message &&
    a.observed === b.observed &&
    a.expected === b.expected &&
    a.rule === b.rule &&
    a.status === b.status &&
    sameTitle(a.title, b.title)
  );
}
