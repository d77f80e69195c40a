// The privacy export document (GET /api/v1/privacy/export, `compliance-server admin export`): exactly what is held about
// one device or one user, field by field. A column added to a table is not exported until it is added here.
import { z } from "zod";
import { CheckId, Platform } from "./checks.js";
import { Exemption, Violation, ViolationEventKind, ViolationStatus } from "./api.js";
import { ReportFrame } from "./protocol.js";
import { CheckResult, CheckStatus, CheckViolation, SoftwareTitleDetail } from "./result.js";

const Timestamp = z.iso.datetime({ offset: true });
const FORMAT = z.literal("compliance-privacy-export/1");

/** The device record, without its credential hash (not data about anyone, and it must not leave the server). */
export const PrivacyDeviceRecord = z.strictObject({
  id: z.string(),
  hardwareId: z.string(),
  hostname: z.string(),
  os: Platform,
  osName: z.string().nullable(),
  osVersion: z.string().nullable(),
  arch: z.string().nullable(),
  agentVersion: z.string().nullable(),
  enrolledAt: Timestamp,
  credentialIssuedAt: Timestamp,
  lastSeen: Timestamp.nullable(),
  policyVersion: z.number().int().nullable(),
  policyAppliedAt: Timestamp.nullable(),
  policySentVersion: z.number().int().nullable(),
  goodbyeAt: Timestamp.nullable(),
  goodbyeReason: z.string().nullable(),
  /** The Ed25519 key its hellos are signed with (public; null for a device enrolled before keys). */
  publicKey: z.string().nullable(),
  reEnrollmentOf: z.string().nullable(),
  /** When the agent run last judged for presence started. */
  runStartedAt: Timestamp.nullable(),
  /** The OS boot the agent's current run said it runs in. */
  bootId: z.string().nullable(),
});
export type PrivacyDeviceRecord = z.infer<typeof PrivacyDeviceRecord>;

/** The device's latest result of one check. */
export const PrivacyDeviceResult = z.strictObject({
  deviceId: z.string(),
  check: CheckId,
  status: CheckStatus,
  observedAt: Timestamp,
  reportId: z.string(),
  result: CheckResult,
});
export type PrivacyDeviceResult = z.infer<typeof PrivacyDeviceResult>;

/** A stored report, its frame as the agent sent it. */
export const PrivacyDeviceReport = z.strictObject({
  deviceId: z.string(),
  id: z.string(),
  observedAt: Timestamp,
  receivedAt: Timestamp,
  policyVersion: z.number().int(),
  body: ReportFrame,
});
export type PrivacyDeviceReport = z.infer<typeof PrivacyDeviceReport>;

/** A violation row as stored. */
export const PrivacyViolation = z.strictObject({
  id: z.string(),
  deviceId: z.string(),
  check: CheckId,
  subject: z.string(),
  rule: z.string().nullable(),
  message: z.string(),
  observed: z.string(),
  expected: z.string(),
  status: ViolationStatus,
  firstSeen: Timestamp,
  lastSeen: Timestamp,
  resolvedAt: Timestamp.nullable(),
  title: SoftwareTitleDetail.nullable(),
});
export type PrivacyViolation = z.infer<typeof PrivacyViolation>;

/** A live-feed event: `seq` is its feed id, `violation` the snapshot the feed sent. */
export const PrivacyEvent = z.strictObject({
  seq: z.number().int(),
  kind: ViolationEventKind,
  at: Timestamp,
  violationId: z.string(),
  deviceId: z.string(),
  violation: Violation,
});
export type PrivacyEvent = z.infer<typeof PrivacyEvent>;

/** An exemption row as stored: the API's exemption without its derived status, with how it ended. */
export const PrivacyExemption = z.strictObject({
  ...Exemption.omit({ status: true }).shape,
  endReason: z.string().nullable(),
  endedBy: z.string().nullable(),
});
export type PrivacyExemption = z.infer<typeof PrivacyExemption>;

/** Of a device's latest result, only the violations about the user (the other users of the device are not theirs to receive). */
export const PrivacyUserResult = z.strictObject({
  deviceId: z.string(),
  check: CheckId,
  status: CheckStatus,
  observedAt: Timestamp,
  violations: z.array(CheckViolation),
});
export type PrivacyUserResult = z.infer<typeof PrivacyUserResult>;

/** Of a stored report, only the results with violations about the user, and only those violations. */
export const PrivacyUserReport = z.strictObject({
  deviceId: z.string(),
  id: z.string(),
  observedAt: Timestamp,
  receivedAt: Timestamp,
  results: z.array(z.strictObject({ check: CheckId, status: CheckStatus, violations: z.array(CheckViolation) })),
});
export type PrivacyUserReport = z.infer<typeof PrivacyUserReport>;

/** Everything held about one device: every row of it (JSON bodies parsed), the exemptions made for it by id. */
export const PrivacyDeviceExport = z.strictObject({
  format: FORMAT,
  exportedAt: Timestamp,
  subject: z.strictObject({ kind: z.literal("device"), value: z.string() }),
  device: PrivacyDeviceRecord,
  results: z.array(PrivacyDeviceResult),
  reports: z.array(PrivacyDeviceReport),
  violations: z.array(PrivacyViolation),
  events: z.array(PrivacyEvent),
  exemptions: z.array(PrivacyExemption),
});
export type PrivacyDeviceExport = z.infer<typeof PrivacyDeviceExport>;

/** Every stored item about one user: violations, events and exemptions that are about them, and their parts of results and reports. */
export const PrivacyUserExport = z.strictObject({
  format: FORMAT,
  exportedAt: Timestamp,
  subject: z.strictObject({ kind: z.literal("user"), value: z.string() }),
  device: z.null(),
  results: z.array(PrivacyUserResult),
  reports: z.array(PrivacyUserReport),
  violations: z.array(PrivacyViolation),
  events: z.array(PrivacyEvent),
  exemptions: z.array(PrivacyExemption),
});
export type PrivacyUserExport = z.infer<typeof PrivacyUserExport>;

/** Everything held about one device or one user, for access and portability. */
export const PrivacyExport = z.union([PrivacyDeviceExport, PrivacyUserExport]);
export type PrivacyExport = z.infer<typeof PrivacyExport>;
