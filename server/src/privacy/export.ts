// The privacy export: everything held about one device, or every stored item that names one user, as one JSON document
// of the exact shape shared/src/privacy.ts gives (JSON columns parsed with their own schemas).
import {
  CheckId,
  CheckResult,
  describeZodError,
  CheckStatus,
  Platform,
  type PrivacyDeviceExport,
  type PrivacyEvent,
  type PrivacyExemption,
  type PrivacyExport,
  type PrivacyUserExport,
  type PrivacyUserReport,
  type PrivacyUserResult,
  type PrivacyViolation,
  ReportFrame,
  SoftwareTitleDetail,
  Violation,
  ViolationEventKind,
  ViolationStatus,
} from "@wegroup/shared";
import type { Selectable } from "kysely";
import type { z } from "zod";
import type { Store } from "../store/db.js";
import {
  checkStatesMentioning,
  checkStatesOfDevice,
  deviceRecord,
  eventsMentioning,
  eventsOfDevice,
  exemptionsMentioning,
  exemptionsOfDevice,
  reportsMentioning,
  reportsOfDevice,
  violationsMentioning,
  violationsOfDevice,
} from "../store/privacy.js";
import type { EventsTable, ExemptionsTable, ViolationsTable } from "../store/schema.js";
import { detailNamesUser, textNeedles, type UserMatcher, userMatcher, violationNamesUser } from "./names.js";

export type PrivacyTarget = { kind: "device"; id: string } | { kind: "user"; name: string };

const FORMAT = "compliance-privacy-export/1";

/** A JSON column read with the schema it was validated with when stored; a row that no longer matches is named, not guessed at. */
function stored<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${what} is not JSON; the export cannot describe it`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new Error(`${what} does not match its schema (${describeZodError(parsed.error)}); the export cannot describe it`);
  return parsed.data;
}

/** Answers undefined for a device that does not exist; a user is never "not found" (the export is then empty). */
export async function exportPrivacyData(store: Store, target: PrivacyTarget, now: string): Promise<PrivacyExport | undefined> {
  return target.kind === "device" ? exportDevice(store, target.id, now) : exportUser(store, target.name, now);
}

export function exportCounts(doc: PrivacyExport): Record<string, number> {
  return {
    device: doc.device === null ? 0 : 1,
    results: doc.results.length,
    reports: doc.reports.length,
    violations: doc.violations.length,
    events: doc.events.length,
    exemptions: doc.exemptions.length,
  };
}

async function exportDevice(store: Store, id: string, now: string): Promise<PrivacyDeviceExport | undefined> {
  const db = store.db;
  const device = await deviceRecord(db, id);
  if (device === undefined) return undefined;
  return {
    format: FORMAT,
    exportedAt: now,
    subject: { kind: "device", value: id },
    device: {
      id: device.id,
      hardwareId: device.hardware_id,
      hostname: device.hostname,
      os: Platform.parse(device.os),
      osName: device.os_name,
      osVersion: device.os_version,
      arch: device.arch,
      agentVersion: device.agent_version,
      enrolledAt: device.enrolled_at,
      credentialIssuedAt: device.credential_issued_at,
      lastSeen: device.last_seen,
      policyVersion: device.policy_version,
      policyAppliedAt: device.policy_applied_at,
      policySentVersion: device.policy_sent_version,
      goodbyeAt: device.goodbye_at,
      goodbyeReason: device.goodbye_reason,
      publicKey: device.public_key,
      reEnrollmentOf: device.re_enrollment_of,
      runStartedAt: device.run_started_at,
      bootId: device.boot_id,
      manufacturer: device.hw_manufacturer,
      model: device.hw_model,
      serial: device.hw_serial,
      osDistribution: device.os_distribution,
      osRelease: device.os_release,
    },
    results: (await checkStatesOfDevice(db, id)).map((r) => ({
      deviceId: r.device_id,
      check: CheckId.parse(r.check),
      status: CheckStatus.parse(r.status),
      observedAt: r.observed_at,
      reportId: r.report_id,
      result: stored(CheckResult, r.result, `the result of ${r.check} on device ${r.device_id}`),
    })),
    reports: (await reportsOfDevice(db, id)).map((r) => ({
      deviceId: r.device_id,
      id: r.id,
      observedAt: r.observed_at,
      receivedAt: r.received_at,
      policyVersion: Number(r.policy_version),
      body: stored(ReportFrame, r.body, `report ${r.id} of device ${r.device_id}`),
    })),
    violations: (await violationsOfDevice(db, id)).map(violationOf),
    events: (await eventsOfDevice(db, id)).map(eventOf),
    exemptions: (await exemptionsOfDevice(db, id)).map(exemptionOf),
  };
}

/**
 * Only the items that are about the user: a user-subject violation whose subject is exactly them, or an item
 * whose texts name their home or media folder. A report or result also lists the other users of the same
 * device, and their data is not this person's to receive; the same word in someone else's row is not theirs.
 */
async function exportUser(store: Store, user: string, now: string): Promise<PrivacyUserExport> {
  const db = store.db;
  const m = userMatcher(user);
  const needles = textNeedles(user);

  const violations = (await violationsMentioning(store, db, needles)).filter((r) => violationNamesUser(r.check, r, m));
  const events = (await eventsMentioning(store, db, needles))
    .map(eventOf)
    .filter((e) => violationNamesUser(e.violation.check, e.violation, m));

  const results: PrivacyUserResult[] = [];
  for (const row of await checkStatesMentioning(store, db, needles)) {
    const result = stored(CheckResult, row.result, `the result of ${row.check} on device ${row.device_id}`);
    const mine = result.violations.filter((v) => violationNamesUser(result.check, v, m));
    if (mine.length > 0)
      results.push({ deviceId: row.device_id, check: result.check, status: result.status, observedAt: row.observed_at, violations: mine });
  }

  const reports: PrivacyUserReport[] = [];
  for (const row of await reportsMentioning(store, db, needles)) {
    const body = stored(ReportFrame, row.body, `report ${row.id} of device ${row.device_id}`);
    const mine = body.results
      .map((r) => ({ check: r.check, status: r.status, violations: r.violations.filter((v) => violationNamesUser(r.check, v, m)) }))
      .filter((r) => r.violations.length > 0);
    if (mine.length > 0)
      reports.push({ deviceId: row.device_id, id: row.id, observedAt: row.observed_at, receivedAt: row.received_at, results: mine });
  }

  return {
    format: FORMAT,
    exportedAt: now,
    subject: { kind: "user", value: user },
    device: null,
    results,
    reports,
    violations: violations.map(violationOf),
    events,
    exemptions: (await exemptionsNamingUser(store, m)).map(exemptionOf),
  };
}

function violationOf(r: Selectable<ViolationsTable>): PrivacyViolation {
  return {
    id: r.id,
    deviceId: r.device_id,
    check: CheckId.parse(r.check),
    subject: r.subject,
    rule: r.rule,
    message: r.message,
    observed: r.observed,
    expected: r.expected,
    status: ViolationStatus.parse(r.status),
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    resolvedAt: r.resolved_at,
    title: r.title === null ? null : stored(SoftwareTitleDetail, r.title, `the title of violation ${r.id}`),
  };
}

function eventOf(r: Selectable<EventsTable>): PrivacyEvent {
  return {
    seq: Number(r.id),
    kind: ViolationEventKind.parse(r.kind),
    at: r.at,
    violationId: r.violation_id,
    deviceId: r.device_id,
    violation: stored(Violation, r.violation, `event ${r.id}`),
  };
}

function exemptionOf(r: Selectable<ExemptionsTable>): PrivacyExemption {
  return {
    id: r.id,
    device: r.device,
    check: CheckId.parse(r.check),
    rule: r.rule,
    subject: r.subject,
    reason: r.reason,
    approvedBy: r.approved_by,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    endedAt: r.ended_at,
    endReason: r.end_reason,
    endedBy: r.ended_by,
  };
}

export async function exemptionsNamingUser(store: Store, m: UserMatcher): Promise<Selectable<ExemptionsTable>[]> {
  return (await exemptionsMentioning(store, store.db, textNeedles(m.user))).filter((r) => exemptionNamesUser(r, m));
}

/** An exemption is about the user when it exempts their subject in a user-subject check, or its texts name their home folder. */
export function exemptionNamesUser(
  row: Pick<Selectable<ExemptionsTable>, "check" | "subject" | "reason" | "rule">,
  m: UserMatcher,
): boolean {
  return detailNamesUser({ ...exemptionTexts(row), check: row.check }, m);
}

/** The texts of an exemption that can name a person (absent when null). */
export function exemptionTexts(
  row: Pick<Selectable<ExemptionsTable>, "subject" | "reason" | "rule">,
): Partial<Record<"subject" | "reason" | "rule", string>> {
  return {
    ...(row.subject === null ? {} : { subject: row.subject }),
    reason: row.reason,
    ...(row.rule === null ? {} : { rule: row.rule }),
  };
}
