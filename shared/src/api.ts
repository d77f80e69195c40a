// HTTP API bodies and answers: what the server stores and shows about devices and violations.
import { z } from "zod";
import { AgentCheckId, CheckId, Platform } from "./checks.js";
import { CheckResult } from "./result.js";

const Timestamp = z.iso.datetime({ offset: true });

export const EnrollRequest = z.object({
  secret: z.string().min(1).max(256),
  hostname: z.string().min(1).max(255),
  os: Platform,
  hardwareId: z.string().min(1).max(256),
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  deviceId: z.string(),
  /** Shown once; the server keeps only its hash. */
  credential: z.string(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

export const ViolationStatus = z.enum(["open", "resolved", "exempted"]);
export type ViolationStatus = z.infer<typeof ViolationStatus>;

export const Violation = z.object({
  id: z.string(),
  deviceId: z.string(),
  hostname: z.string(),
  check: CheckId,
  subject: z.string(),
  message: z.string(),
  observed: z.string(),
  expected: z.string(),
  status: ViolationStatus,
  firstSeen: Timestamp,
  lastSeen: Timestamp,
  resolvedAt: Timestamp.nullable(),
});
export type Violation = z.infer<typeof Violation>;

export const DeviceStatus = z.enum(["compliant", "noncompliant", "offline"]);
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const DeviceSummary = z.object({
  id: z.string(),
  hostname: z.string(),
  os: Platform,
  agentVersion: z.string().nullable(),
  lastSeen: Timestamp.nullable(),
  status: DeviceStatus,
  openViolations: z.number().int(),
  policyVersion: z.number().int().nullable(),
});
export type DeviceSummary = z.infer<typeof DeviceSummary>;

export const DeviceDetail = DeviceSummary.extend({
  enrolledAt: Timestamp,
  connected: z.boolean(),
  results: z.array(CheckResult.extend({ observedAt: Timestamp })),
});
export type DeviceDetail = z.infer<typeof DeviceDetail>;

export const ViolationQuery = z.object({
  status: z.enum(["open", "resolved", "exempted", "all"]).default("open"),
  device: z.string().max(64).optional(),
  check: CheckId.optional(),
  since: Timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  cursor: z.string().max(200).optional(),
});
export type ViolationQuery = z.infer<typeof ViolationQuery>;

export const Page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const Role = z.enum(["viewer", "admin"]);
export type Role = z.infer<typeof Role>;

export const TokenCreate = z.strictObject({ name: z.string().min(1).max(100), role: Role });
export type TokenCreate = z.infer<typeof TokenCreate>;

export const ExemptionCreate = z
  .strictObject({
    /** A device id, or "*" for every device. */
    device: z.string().min(1).max(64),
    check: AgentCheckId.or(z.literal("agent-silent")),
    /** The policy rule id the exemption covers (e.g. a software rule id)... */
    rule: z.string().min(1).max(100).optional(),
    /** ...or the subject (a user, a serial, a package name; glob allowed). */
    subject: z.string().min(1).max(300).optional(),
    reason: z.string().min(1).max(2_000),
    approvedBy: z.string().min(1).max(200),
    expiresAt: Timestamp,
  })
  .refine((e) => e.rule !== undefined || e.subject !== undefined, { message: "an exemption needs a rule or a subject" });
export type ExemptionCreate = z.infer<typeof ExemptionCreate>;

// ── answers and events the server adds (extensions; the shapes above stay as they are) ──

export const HealthResponse = z.object({ status: z.literal("ok") });
export type HealthResponse = z.infer<typeof HealthResponse>;

export const DeviceList = z.object({ items: z.array(DeviceSummary) });
export type DeviceList = z.infer<typeof DeviceList>;

export const ViolationPage = Page(Violation);
export type ViolationPage = z.infer<typeof ViolationPage>;

/** What happened to a violation; `updated` (a repeat) never becomes an event, so the feed never floods. */
export const ViolationEventKind = z.enum(["opened", "resolved", "exempted"]);
export type ViolationEventKind = z.infer<typeof ViolationEventKind>;

/** One entry of the violation feed: `seq` increases monotonically and is stored, so a feed can resume from it. */
export const ViolationEvent = z.object({
  seq: z.number().int().positive(),
  kind: ViolationEventKind,
  at: Timestamp,
  violation: Violation,
});
export type ViolationEvent = z.infer<typeof ViolationEvent>;

/** A stored API token as listed: never the token itself, which is shown once when created. */
export const TokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  createdAt: Timestamp,
  revokedAt: Timestamp.nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

export const TokenCreated = z.object({ id: z.string(), name: z.string(), role: Role, token: z.string() });
export type TokenCreated = z.infer<typeof TokenCreated>;

export const TokenList = z.object({ items: z.array(TokenInfo) });
export type TokenList = z.infer<typeof TokenList>;
