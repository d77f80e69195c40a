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
  return sameJson(a, b);
}

/**
 * Two JSON values are equal, whatever the order of their objects' keys: what comparing their canonicalJson says,
 * without building either string (a report's repeats compare every title of every violation).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // JSON.stringify leaves out undefined members: so does this.
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  if (keys.length !== Object.keys(y).filter((k) => y[k] !== undefined).length) return false;
  return keys.every((k) => Object.hasOwn(y, k) && sameJson(x[k], y[k]));
}

/** JSON with object keys sorted, so that equal values serialise equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
