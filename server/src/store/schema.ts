// The database tables as Kysely sees them. Timestamps are ISO-8601 UTC strings of one fixed width
// (Date#toISOString), so that they sort as text identically in SQLite and PostgreSQL.
import type { Generated, Kysely, Transaction } from "kysely";

export interface DevicesTable {
  id: string;
  hardware_id: string;
  hostname: string;
  os: string;
  os_name: string | null;
  os_version: string | null;
  arch: string | null;
  agent_version: string | null;
  /** SHA-256 of the device credential; the credential itself is shown once at enrollment. */
  credential_hash: string;
  enrolled_at: string;
  credential_issued_at: string;
  /** Server time of the last frame (hello, report, heartbeat…) from the device. */
  last_seen: string | null;
  policy_version: number | null;
  policy_applied_at: string | null;
  /** The newest policy version sent to the device (welcome, push): reports judged by an older one change nothing. */
  policy_sent_version: number | null;
  goodbye_at: string | null;
  goodbye_reason: string | null;
  /** The Ed25519 key (SPKI DER, base64url) its hellos are signed with; null for a device enrolled before keys. */
  public_key: string | null;
  /** The earlier device of the same hardware id, when this record came from enrolling it again. */
  re_enrollment_of: string | null;
  /** The agent run (its start time) whose previous run was judged last; a hello of the same run is not judged again. */
  run_started_at: string | null;
  /** The OS boot the agent's current run said it runs in. */
  boot_id: string | null;
  /** What the agent's hello said about the hardware and OS (null until an agent that sends them says hello). */
  hw_manufacturer: Generated<string | null>;
  hw_model: Generated<string | null>;
  hw_serial: Generated<string | null>;
  os_distribution: Generated<string | null>;
  os_release: Generated<string | null>;
}

export interface TokensTable {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface ReportsTable {
  device_id: string;
  /** The agent's report id; (device_id, id) is the key, so that a resend is stored once. */
  id: string;
  observed_at: string;
  received_at: string;
  policy_version: number;
  /** The report frame as JSON. */
  body: string;
}

/** The latest result per (device, check), and when it was observed: later reports older than it change nothing. */
export interface CheckStatesTable {
  device_id: string;
  check: string;
  status: string;
  observed_at: string;
  report_id: string;
  /** The CheckResult as JSON. */
  result: string;
}

export interface ViolationsTable {
  id: string;
  device_id: string;
  check: string;
  subject: string;
  rule: string | null;
  message: string;
  observed: string;
  expected: string;
  /** open | resolved | exempted; at most one open-or-exempted row per (device, check, subject). */
  status: string;
  first_seen: string;
  last_seen: string;
  resolved_at: string | null;
  /** The software title detail as JSON with sorted keys (software violations), else null. */
  title: string | null;
}

/** The violation feed, durable: `id` increases monotonically, `violation` is the snapshot as JSON. */
export interface EventsTable {
  id: Generated<number>;
  kind: string;
  at: string;
  violation_id: string;
  device_id: string;
  violation: string;
}

export interface PoliciesTable {
  version: number;
  /** The Policy document as JSON. */
  document: string;
  created_at: string;
  author: string;
  /** What changed against the previous version, in words (null for the seeded first version). */
  summary: string | null;
}

/** Who changed what and when; `id` increases monotonically (the paging cursor), `detail` is JSON. */
export interface AuditTable {
  id: Generated<number>;
  at: string;
  /** The API token's name, or "cli". */
  actor: string;
  action: string;
  target: string;
  detail: string | null;
}

/** An exemption: security's written consent for a failure to be shown as exempted until `expires_at`. */
export interface ExemptionsTable {
  id: string;
  /** A device id, or "*" for every device. */
  device: string;
  check: string;
  /** The policy rule it covers (matched against the violation's rule)... */
  rule: string | null;
  /** ...and/or the subject, a case-insensitive glob. */
  subject: string | null;
  reason: string;
  approved_by: string;
  expires_at: string;
  created_at: string;
  /** The API token's name that created it. */
  created_by: string;
  /** Null while it stands; set once when it is deleted or its expiry has been handled. */
  ended_at: string | null;
  end_reason: string | null;
  ended_by: string | null;
}

/**
 * Hashes of the enrollment secrets agents may enroll with (each data dir holds one in its file; a rotation adds one).
 * Only hashes: the privacy statement promises secrets stored only hashed.
 */
export interface EnrollSecretsTable {
  /** SHA-256 (hex) of the secret. */
  secret_hash: string;
  created_at: string;
  /** Null: valid until a rotation sets it; accepted while now < valid_until. */
  valid_until: string | null;
}

export interface Database {
  devices: DevicesTable;
  tokens: TokensTable;
  reports: ReportsTable;
  check_states: CheckStatesTable;
  violations: ViolationsTable;
  events: EventsTable;
  policies: PoliciesTable;
  audit: AuditTable;
  exemptions: ExemptionsTable;
  enroll_secrets: EnrollSecretsTable;
  erased_users: ErasedUsersTable;
  erasure_key: ErasureKeyTable;
  webhooks: WebhooksTable;
  policy_previews: PolicyPreviewsTable;
  policy_preview_answers: PolicyPreviewAnswersTable;
}

/** A candidate policy being previewed across instances (JSON), kept for a minute. */
export interface PolicyPreviewsTable {
  id: string;
  policy: string;
  created_at: string;
}

/** One agent's answer to a preview (its preview-result frame, JSON), recorded by the instance it is connected to. */
export interface PolicyPreviewAnswersTable {
  preview_id: string;
  device_id: string;
  answer: string;
  answered_at: string;
}

/** A SIEM webhook and where its delivery stands (see webhooks/dispatcher.ts). */
export interface WebhooksTable {
  id: string;
  url: string;
  /** The HMAC key itself (a signature needs it): never logged, never answered after creation. */
  secret: string;
  /** JSON array of event kinds. */
  events: string;
  created_at: string;
  created_by: string;
  paused: number;
  last_event_id: number;
  attempts: number;
  next_attempt_at: string | null;
  last_delivered_at: string | null;
  last_error: string | null;
  delivered: number;
  failures: number;
  lease_owner: string | null;
  lease_until: string | null;
}

/** A user erased on request: a keyed digest of the name, never the name (see privacy/reidentify.ts). */
export interface ErasedUsersTable {
  digest: string;
  pseudonym: string;
  erased_at: string;
}

export interface ErasureKeyTable {
  id: number;
  secret: string;
}

/** The database or an open transaction: every query function takes either. */
export type Db = Kysely<Database> | Transaction<Database>;
