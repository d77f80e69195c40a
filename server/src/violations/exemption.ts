// The exemption decision, pure: which standing exemption covers a violation, and which lasting rows change status.
import { type CheckId, patternMatches } from "@wegroup/shared";
import type { ViolationRecord } from "./record.js";

/** What matching needs of an exemption. */
export interface ExemptionRule {
  id: string;
  /** A device id, or "*" for every device. */
  device: string;
  check: CheckId;
  /** When set, the violation's rule must be exactly this... */
  rule: string | null;
  /** ...and when set, its subject must match this case-insensitive glob. Both set: both must hold. */
  subject: string | null;
  expiresAt: string;
}

/** What matching needs of a violation. */
export type Exemptible = Pick<ViolationRecord, "deviceId" | "check" | "subject" | "rule">;

/** An exemption stands until the instant it expires; at `expiresAt` it no longer does. */
export function isStanding(e: Pick<ExemptionRule, "expiresAt">, now: string): boolean {
  return Date.parse(e.expiresAt) > Date.parse(now);
}

export function covers(e: ExemptionRule, v: Exemptible, now: string): boolean {
  return (
    isStanding(e, now) &&
    (e.device === "*" || e.device === v.deviceId) &&
    e.check === v.check &&
    (e.rule === null || e.rule === v.rule) &&
    (e.subject === null || patternMatches(e.subject, v.subject))
  );
}

/** The standing exemption that covers `v`, if any (the one that lasts longest, so that the row stays exempted the longest). */
export function exemptionFor(v: Exemptible, exemptions: readonly ExemptionRule[], now: string): ExemptionRule | undefined {
  let best: ExemptionRule | undefined;
  for (const e of exemptions) {
    if (covers(e, v, now) && (best === undefined || Date.parse(e.expiresAt) > Date.parse(best.expiresAt))) best = e;
  }
  return best;
}

/** A status change of a row that lasts: `exempted` (an exemption now covers it) or `reopened` (none does any more). */
export interface Reconciliation {
  kind: "exempted" | "reopened";
  before: ViolationRecord;
  violation: ViolationRecord;
}

/**
 * Lasting rows against the exemptions standing `now`: an open row that one covers becomes exempted; an
 * exempted row that none covers (its exemption expired or was deleted) opens again — it is still failing,
 * or a pass would have resolved it. Resolved rows and rows already right are left alone.
 */
export function reconcile(rows: readonly ViolationRecord[], exemptions: readonly ExemptionRule[], now: string): Reconciliation[] {
  const out: Reconciliation[] = [];
  for (const row of rows) {
    if (row.status === "resolved") continue;
    const covered = exemptionFor(row, exemptions, now) !== undefined;
    if (covered && row.status === "open") out.push({ kind: "exempted", before: row, violation: { ...row, status: "exempted" } });
    else if (!covered && row.status === "exempted") out.push({ kind: "reopened", before: row, violation: { ...row, status: "open" } });
  }
  return out;
}

/** A row the state machine is about to open: exempted from the start when an exemption covers it. */
export function openingStatus(v: Exemptible, exemptions: readonly ExemptionRule[], now: string): "open" | "exempted" {
  return exemptionFor(v, exemptions, now) === undefined ? "open" : "exempted";
}
