// A violation as the server keeps it (the API's Violation plus the rule that decided it, minus the hostname).
import type { CheckId, Violation, ViolationStatus } from "@wegroup/shared";

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
  };
}
