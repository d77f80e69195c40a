// A violation as the server keeps it (the API's Violation plus the rule that decided it, minus the hostname).
import type { CheckId, SoftwareTitleDetail, Violation, ViolationStatus } from "@wegroup/shared";

export interface ViolationRecord {
  id: string;
  deviceId: string;
  check: CheckId;
  subject: string;
  /** The policy rule that decided it, when the agent named one (exemptions by rule need it). */
  rule: string | null;
  message: string;
  observed: string;
  expected: string;
  status: ViolationStatus;
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
  /** The software title that fails, as last reported (versions move on upgrade; the subject, its key, does not). */
  title: SoftwareTitleDetail | null;
}

export function toApiViolation(record: ViolationRecord, hostname: string): Violation {
  return {
    id: record.id,
    deviceId: record.deviceId,
    hostname,
    check: record.check,
    subject: record.subject,
    message: record.message,
    observed: record.observed,
    expected: record.expected,
    status: record.status,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
    resolvedAt: record.resolvedAt,
    ...(record.rule === null ? {} : { rule: record.rule }),
    ...(record.title === null ? {} : { title: record.title }),
  };
}

/** Two title details say the same (key order aside: one came from a report, the other from storage). */
export function sameTitle(a: SoftwareTitleDetail | null, b: SoftwareTitleDetail | null): boolean {
  if (a === null || b === null) return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted, so that equal values serialise equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
