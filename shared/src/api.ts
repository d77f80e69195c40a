// HTTP API bodies and answers: what the server stores and shows about devices and violations.
import { z } from "zod";
import { patternProblem } from "./pattern.js";
import { Int32, Text } from "./text.js";
import { AgentCheckId, CheckId, Platform } from "./checks.js";
import { CheckResult, DeviceFacts, SoftwareTitleDetail } from "./result.js";
import { DenyCategory, Policy, SchemaLink, SoftwareSource } from "./policy.js";
import { DevicePublicKey, GoodbyeReason } from "./protocol.js";

const Timestamp = z.iso.datetime({ offset: true });

export const EnrollRequest = z.object({
  secret: Text({ min: 1, max: 256 }),
  hostname: Text({ min: 1, max: 255 }),
  os: Platform,
  hardwareId: Text({ min: 1, max: 256 }),
  /** The Ed25519 key the agent made for this enrollment; its hellos must then be signed with it. */
  publicKey: DevicePublicKey.optional(),
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  deviceId: z.string(),
  /** Shown once; the server keeps only its hash. */
  credential: z.string(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

/** `/…/{id}` path parameters (devices, exemptions, tokens): an id is storable text like every other input. */
export const IdParams = z.strictObject({ id: Text({ min: 1, max: 64 }) });
export type IdParams = z.infer<typeof IdParams>;

export const ViolationStatus = z.enum(["open", "resolved", "exempted"]);
export type ViolationStatus = z.infer<typeof ViolationStatus>;

/** The standing exemption that covers an exempted violation. */
export const CoveringExemption = z.object({ id: z.string(), approvedBy: z.string(), reason: z.string(), expiresAt: Timestamp });
export type CoveringExemption = z.infer<typeof CoveringExemption>;

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
  /** The policy rule that judged it (a software rule id), when one did. */
  rule: z.string().optional(),
  /** The software title that fails, as the agent last described it (software violations). */
  title: SoftwareTitleDetail.optional(),
  /** While the violation is exempted: the exemption that covers it. */
  exemption: CoveringExemption.optional(),
});
export type Violation = z.infer<typeof Violation>;

/** `unknown`: no report yet, or every check `unknown` — never shown as compliant. */
export const DeviceStatus = z.enum(["compliant", "noncompliant", "unknown", "offline"]);
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
  /**
   * Set when this device record came from an enrollment of a hardware id that was already enrolled: the id of
   * that earlier device, which keeps its own credential. A reinstall, or someone else claiming to be it.
   */
  reEnrollmentOf: z.string().nullable(),
  /** Present while the agent's last frame was its goodbye: why it went (an `offline` device shows this reason). */
  lastGoodbye: z.object({ reason: GoodbyeReason, at: Timestamp }).optional(),
  /** Model, manufacturer, serial number, OS distribution and release, as the agent's latest hello said (empty until one did). */
  facts: DeviceFacts,
});
export type DeviceSummary = z.infer<typeof DeviceSummary>;

/** What an agent did about a failure (a USB stick ejected, or the attempt that failed), as its report said. */
export const EnforcementOutcome = z.object({
  observedAt: Timestamp,
  check: z.string(),
  subject: z.string(),
  action: z.string(),
  ok: z.boolean(),
  detail: z.string(),
});
export type EnforcementOutcome = z.infer<typeof EnforcementOutcome>;

/** Is the agent healthy: connected here, what it last said when it stopped, how late its reports arrive, what it runs. */
export const AgentHealth = z.object({
  connected: z.boolean(),
  lastSeen: Timestamp.nullable(),
  /** Why it last stopped on purpose (service-stop, uninstall, reboot), and when. */
  lastGoodbye: z.object({ at: Timestamp, reason: z.string() }).nullable(),
  agentVersion: z.string().nullable(),
  policyVersion: z.number().int().nullable(),
  latestPolicyVersion: z.number().int().nullable(),
  /** Seconds between the newest stored report's observation and its arrival: large when reports were queued offline. */
  lastReportDelaySeconds: z.number().nullable(),
  /** Of its latest 50 reports, those received in the last 24 hours after waiting more than two heartbeats in the agent's queue. */
  queuedReports: z.number().int().min(0),
});
export type AgentHealth = z.infer<typeof AgentHealth>;

export const DeviceDetail = DeviceSummary.extend({
  enrolledAt: Timestamp,
  connected: z.boolean(),
  results: z.array(CheckResult.extend({ observedAt: Timestamp })),
  /** Newest first: the latest enforcement outcomes from its reports. */
  enforcement: z.array(EnforcementOutcome).optional(),
  health: AgentHealth.optional(),
  /** Its violations of any status, newest first (the latest 100). */
  history: z.array(Violation).optional(),
});
export type DeviceDetail = z.infer<typeof DeviceDetail>;

export const ViolationQuery = z.object({
  status: z.enum(["open", "resolved", "exempted", "all"]).default("open"),
  device: Text({ max: 64 }).optional(),
  check: CheckId.optional(),
  /** The subject exactly: a software title key, a user, a serial. */
  subject: Text({ min: 1, max: 300 }).optional(),
  since: Timestamp.optional(),
  /** Seen (or resolved) before this time. */
  until: Timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  cursor: Text({ max: 200 }).optional(),
});
export type ViolationQuery = z.infer<typeof ViolationQuery>;

export const Page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** `viewer` reads; `security` also grants and ends exemptions (the policy gives that consent to the security team alone); `admin` (IT) does everything. */
export const Role = z.enum(["viewer", "security", "admin"]);
export type Role = z.infer<typeof Role>;

export const TokenCreate = z.strictObject({ name: Text({ min: 1, max: 100 }), role: Role });
export type TokenCreate = z.infer<typeof TokenCreate>;

export const ExemptionCreate = z
  .strictObject({
    /** A device id, or "*" for every device. */
    device: Text({ min: 1, max: 64 }),
    check: AgentCheckId.or(z.literal("agent-silent")),
    /** The policy rule id the exemption covers (e.g. a software rule id)... */
    rule: Text({ min: 1, max: 100 }).optional(),
    /** ...or the subject (a user, a serial, a software title key), a pattern of the policy dialect (`*`, `?`). */
    subject: Text({ min: 1, max: 300 })
      .superRefine((value, ctx) => {
        const problem = patternProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    reason: Text({ min: 1, max: 2_000 }),
    /** Over HTTP the approver is always the signed-in token's name (a person or team); what a body says here is not used. */
    approvedBy: Text({ min: 1, max: 200 }).optional(),
    expiresAt: Timestamp,
  })
  .refine((e) => e.rule !== undefined || e.subject !== undefined, { message: "an exemption needs a rule or a subject" });
export type ExemptionCreate = z.infer<typeof ExemptionCreate>;

// ── answers and events the server adds (extensions; the shapes above stay as they are) ──

export const HealthResponse = z.object({ status: z.literal("ok") });
export type HealthResponse = z.infer<typeof HealthResponse>;

/** GET /healthz when the server cannot serve agents: why (e.g. the database is unreachable or its disk is full), and since when. */
export const HealthUnavailable = z.object({
  status: z.literal("unavailable"),
  reason: z.string(),
  since: Timestamp.optional(),
  error: z.object({ code: z.literal("unavailable"), message: z.string() }),
});
export type HealthUnavailable = z.infer<typeof HealthUnavailable>;

/** GET /api/v1/devices filters: status, OS, and a case-insensitive part of the hostname; pages by hostname joined by `cursor`. */
export const DeviceQuery = z.strictObject({
  status: DeviceStatus.optional(),
  os: Platform.optional(),
  q: Text({ min: 1, max: 255 }).optional(),
  /** Absent: every matching device in one answer (no cap); given: pages of at most this many, joined by `nextCursor`. */
  limit: z.coerce.number().int().min(1).max(1_000).optional(),
  /** The `nextCursor` of the page before. */
  cursor: Text({ max: 2_000 }).optional(),
});
export type DeviceQuery = z.infer<typeof DeviceQuery>;

export const DeviceList = Page(DeviceSummary).extend({
  /** Devices per status among those the filter (status aside) matched (every page, not only this one). */
  byStatus: z.record(z.string(), z.number().int().min(0)).optional(),
});
export type DeviceList = z.infer<typeof DeviceList>;

export const ViolationPage = Page(Violation).extend({
  /** How many violations match the filter across every page (counted, never capped). */
  total: z.number().int().min(0).optional(),
  /** The same, per check. */
  byCheck: z.record(z.string(), z.number().int().min(0)).optional(),
});
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

/**
 * A notice on the live feed about a device rather than a violation (SSE `event: device`, no `id:`, so it does
 * not move a client's Last-Event-ID): `re-enrolled` when a known hardware id enrolled again. The audit log
 * (`device.re-enroll`) keeps it durably.
 */
export const DeviceNotice = z.object({
  kind: z.literal("re-enrolled"),
  at: Timestamp,
  deviceId: z.string(),
  hostname: z.string(),
  os: Platform,
  reEnrollmentOf: z.string(),
});
export type DeviceNotice = z.infer<typeof DeviceNotice>;

/** The live feed's `event: ready`: where the feed stands once any backlog has been sent (its `id:` is the same number). */
export const StreamReady = z.object({ lastEventId: z.number().int().min(0) });
export type StreamReady = z.infer<typeof StreamReady>;

/** A stored API token as listed: never the token itself, which is shown once when created. */
export const TokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  createdAt: Timestamp,
  revokedAt: Timestamp.nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

/** GET /api/v1/session: who the token is (its name, the audit actor and exemption approver) and what it may do. */
export const SessionInfo = z.object({ name: z.string(), role: Role });
export type SessionInfo = z.infer<typeof SessionInfo>;

export const TokenCreated = z.object({ id: z.string(), name: z.string(), role: Role, token: z.string() });
export type TokenCreated = z.infer<typeof TokenCreated>;

export const TokenList = z.object({ items: z.array(TokenInfo) });
export type TokenList = z.infer<typeof TokenList>;

// ── policy, audit and privacy (admin side) ──

/** PUT /api/v1/policy: a whole policy document; the server assigns `version`, so the body may leave it out; a `$schema` link is ignored. */
export const PolicyUpdate = Policy.extend({ version: Int32.optional(), $schema: SchemaLink });
export type PolicyUpdate = z.input<typeof PolicyUpdate>;

export const PolicyStored = z.object({ version: z.number().int().positive() });
export type PolicyStored = z.infer<typeof PolicyStored>;

/** GET /api/v1/policy/history: how many versions, newest first. */
export const PolicyHistoryQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1_000).default(100) });
export type PolicyHistoryQuery = z.infer<typeof PolicyHistoryQuery>;

export const PolicyVersionInfo = z.object({
  version: z.number().int().positive(),
  author: z.string(),
  createdAt: Timestamp,
  /** What changed against the previous version, in words. */
  summary: z.string(),
});
export type PolicyVersionInfo = z.infer<typeof PolicyVersionInfo>;

export const PolicyHistory = z.object({ items: z.array(PolicyVersionInfo) });

/** GET /api/v1/policy/history/{version}: that version's whole document, as it was stored. */
export const PolicyVersionDocument = PolicyVersionInfo.extend({ policy: Policy });
export type PolicyVersionDocument = z.infer<typeof PolicyVersionDocument>;

/** One violation a candidate policy would open (or resolve), with the devices it would happen on. */
export const PolicyPreviewItem = z.object({
  check: CheckId,
  subject: z.string(),
  /** The software title's name, or the subject. */
  title: z.string(),
  devices: z.array(z.object({ deviceId: z.string(), hostname: z.string() })),
});
export type PolicyPreviewItem = z.infer<typeof PolicyPreviewItem>;

/** POST /api/v1/policy/preview: what a candidate would do across the fleet, judged by the connected agents; nothing applied. */
export const PolicyPreview = z.object({
  /** Devices whose agent judged the candidate. */
  devices: z.number().int().min(0),
  /** Enrolled devices that did not (offline, on another instance, or no answer in time). */
  notPreviewed: z.number().int().min(0),
  opened: z.array(PolicyPreviewItem),
  resolved: z.array(PolicyPreviewItem),
  /** Items agents left out of their answers (each answers at most 500 of each). */
  omitted: z.number().int().min(0).optional(),
});
export type PolicyPreview = z.infer<typeof PolicyPreview>;

export const PolicyVersionParams = z.strictObject({ version: z.coerce.number().int().min(1).max(2_147_483_647) });
export type PolicyHistory = z.infer<typeof PolicyHistory>;

export const PolicyRollout = z.object({
  latestVersion: z.number().int().positive(),
  /** Devices by the policy version they run (devices that never connected are not counted). */
  versions: z.array(z.object({ version: z.number().int().min(0), devices: z.number().int().min(0) })),
  /** Devices online now that have not applied the latest version. */
  pending: z.array(z.object({ deviceId: z.string(), hostname: z.string(), appliedVersion: z.number().int().min(0).nullable() })),
  /** Offline devices on an older version: they get the newest when they connect again. */
  offline: z
    .array(
      z.object({
        deviceId: z.string(),
        hostname: z.string(),
        appliedVersion: z.number().int().min(0).nullable(),
        lastSeen: Timestamp.nullable(),
      }),
    )
    .optional(),
});
export type PolicyRollout = z.infer<typeof PolicyRollout>;

export const AuditQuery = z.strictObject({
  action: Text({ min: 1, max: 100 }).optional(),
  since: Timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  cursor: Text({ max: 200 }).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntry = z.object({
  id: z.number().int().positive(),
  at: Timestamp,
  /** The API token's name, "cli" for the admin command line, "server" for its own jobs. */
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = Page(AuditEntry);
export type AuditPage = z.infer<typeof AuditPage>;

const UserName = Text({ min: 1, max: 300 });

/** GET /api/v1/privacy/export: exactly one of `device` (an id) or `user` (a user name as the checks report it). */
export const PrivacySubject = z
  .strictObject({ device: Text({ min: 1, max: 64 }).optional(), user: UserName.optional() })
  .refine((s) => (s.device === undefined) !== (s.user === undefined), { message: "give exactly one of device or user" });
export type PrivacySubject = z.infer<typeof PrivacySubject>;

/** What an erasure removed (device: rows deleted) or rewrote (user: rows whose user name was replaced by a pseudonym). */
export const PrivacyErased = z.object({
  subject: z.object({ kind: z.enum(["device", "user"]) }),
  method: z.enum(["deleted", "pseudonymised"]),
  /** Rows per table. */
  counts: z.record(z.string(), z.number().int().min(0)),
  /** The pseudonym that replaced the user name (user erasure only). */
  pseudonym: z.string().optional(),
});
export type PrivacyErased = z.infer<typeof PrivacyErased>;

// ── exemptions and the live feed ──

/** `active` until it expires or is deleted. */
export const ExemptionStatus = z.enum(["active", "expired", "deleted"]);
export type ExemptionStatus = z.infer<typeof ExemptionStatus>;

/** A stored exemption, as POST answers it and GET lists it. */
export const Exemption = z.object({
  id: z.string(),
  /** A device id, or "*" for every device. */
  device: z.string(),
  check: CheckId,
  rule: z.string().nullable(),
  subject: z.string().nullable(),
  reason: z.string(),
  approvedBy: z.string(),
  expiresAt: Timestamp,
  createdAt: Timestamp,
  /** The name of the API token that created it. */
  createdBy: z.string(),
  status: ExemptionStatus,
  /** When it was deleted, or when its expiry was handled. */
  endedAt: Timestamp.nullable(),
});
export type Exemption = z.infer<typeof Exemption>;

export const ExemptionList = z.object({ items: z.array(Exemption) });
export type ExemptionList = z.infer<typeof ExemptionList>;

export const ExemptionQuery = z.strictObject({
  status: z.enum(["active", "expired", "deleted", "all"]).default("active"),
  device: Text({ min: 1, max: 64 }).optional(),
});
export type ExemptionQuery = z.infer<typeof ExemptionQuery>;

/**
 * GET /api/v1/violations/stream query: `token` for EventSource clients, which cannot send an Authorization
 * header; `lastEventId` for clients that cannot send the Last-Event-ID header (the header wins).
 */
export const ViolationStreamQuery = z.strictObject({
  token: Text({ min: 1, max: 256 }).optional(),
  lastEventId: z
    .string()
    .regex(/^\d{1,15}$/, "expected the id of an event (a whole number)")
    .optional(),
});
export type ViolationStreamQuery = z.infer<typeof ViolationStreamQuery>;

// ── the fleet's software titles (derived from software violations) ──

/** What `GET /api/v1/software` lists: `exempted` is a title whose violations an exemption covers. */
export const SoftwareVerdict = z.enum(["denied", "unapproved", "exempted"]);
export type SoftwareVerdict = z.infer<typeof SoftwareVerdict>;

export const SoftwareQuery = z.strictObject({
  status: z.enum(["denied", "unapproved", "exempted", "all"]).default("all"),
});
export type SoftwareQuery = z.infer<typeof SoftwareQuery>;

/** One title that is not approved somewhere in the fleet, with one verdict (a title may appear once per verdict). */
export const SoftwareTitleSummary = z.object({
  /** The display name most devices report ("Wireshark"). */
  title: z.string(),
  /** The title key: the violations' subject, and what an exemption's `subject` names. */
  key: z.string(),
  check: z.literal("software"),
  verdict: SoftwareVerdict,
  /** The prohibited activity (denied titles). */
  category: DenyCategory.optional(),
  /** Devices on which the title has this verdict now. */
  devices: z.number().int().min(0),
  versions: z.array(z.string()),
  sources: z.array(SoftwareSource),
  /** The verified identity most of those devices report. */
  identity: SoftwareTitleDetail.shape.identity,
});
export type SoftwareTitleSummary = z.infer<typeof SoftwareTitleSummary>;

export const SoftwareList = z.object({ items: z.array(SoftwareTitleSummary) });
export type SoftwareList = z.infer<typeof SoftwareList>;
