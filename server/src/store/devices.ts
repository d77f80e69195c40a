// Queries on devices: enrollment (re-enrollments included), credential and key lookup, batched activity, listings with open-violation counts.
import type { DeviceFacts } from "@wegroup/shared";
import { type ExpressionBuilder, type Selectable, sql, type SqlBool } from "kysely";
import type { PreviousRun } from "@wegroup/shared";
import { chunks } from "./chunks.js";
import { isSqlite, runHot, selectWhereIdIn, updateFromValues } from "./hot.js";
import type { Database, Db, DevicesTable } from "./schema.js";

export type DeviceRow = Selectable<DevicesTable>;
/** With the number of open violations and of checks whose latest result is pass or fail (0: nothing could be judged). */
export type DeviceListRow = DeviceRow & { open_violations: number; known_checks: number };

/** The columns a device list shows (never the credential hash or the key): a third of the row, read 10,000 times a page. */
const SUMMARY_COLUMNS = [
  "d.id",
  "d.hostname",
  "d.os",
  "d.agent_version",
  "d.last_seen",
  "d.goodbye_at",
  "d.goodbye_reason",
  "d.policy_version",
  "d.re_enrollment_of",
  "d.hw_manufacturer",
  "d.hw_model",
  "d.hw_serial",
  "d.os_distribution",
  "d.os_release",
] as const;
type SummaryColumn = (typeof SUMMARY_COLUMNS)[number] extends `d.${infer C}` ? C : never;
/** A device list row: the summary's columns and the two counts. */
export type DeviceSummaryRow = Pick<DeviceRow, SummaryColumn> & { open_violations: number; known_checks: number };

export interface EnrollDevice {
  /** The new device's id. */
  newId: string;
  hardwareId: string;
  hostname: string;
  os: string;
  credentialHash: string;
  now: string;
  /** The device's Ed25519 key (SPKI DER, base64url); absent from agents older than device keys. */
  publicKey?: string | null | undefined;
}

export interface Enrolled {
  deviceId: string;
  /** The hardware id was enrolled already: this is a new record flagged as a re-enrollment of that device. */
  reEnrolled: boolean;
  /** The original device of this hardware id (which keeps its own id and credential), when reEnrolled. */
  reEnrollmentOf: string | null;
}

/**
 * Every enrollment makes a new device: a known hardware id never hands its device (or a new credential for
 * it) to whoever asks — the hardware id is readable by any local user. The new record points at the original.
 * Two first enrollments of one hardware id racing (two instances) meet the partial unique index
 * devices_hardware_original: the loser throws a unique violation and is retried by the caller (enrollAudited).
 */
export async function enrollDevice(db: Db, e: EnrollDevice): Promise<Enrolled> {
  const original = await db
    .selectFrom("devices")
    .select("id")
    .where("hardware_id", "=", e.hardwareId)
    .where("re_enrollment_of", "is", null)
    .executeTakeFirst();
  const reEnrollmentOf = original?.id ?? null;
  await db
    .insertInto("devices")
    .values({
      id: e.newId,
      hardware_id: e.hardwareId,
      hostname: e.hostname,
      os: e.os,
      credential_hash: e.credentialHash,
      enrolled_at: e.now,
      credential_issued_at: e.now,
      public_key: e.publicKey ?? null,
      re_enrollment_of: reEnrollmentOf,
    })
    .execute();
  return { deviceId: e.newId, reEnrolled: reEnrollmentOf !== null, reEnrollmentOf };
}

/** A unique index refused the row (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

export async function findDevice(db: Db, id: string): Promise<DeviceRow | undefined> {
  return db.selectFrom("devices").selectAll().where("id", "=", id).executeTakeFirst();
}

export type DeviceCredentialRow = { id: string; credential_hash: string; public_key: string | null };

/** What a hello needs to authenticate a device, and no more. */
export async function findDeviceCredential(db: Db, id: string): Promise<DeviceCredentialRow | undefined> {
  return db.selectFrom("devices").select(["id", "credential_hash", "public_key"]).where("id", "=", id).executeTakeFirst();
}

/** The same for many devices at once (a fleet reconnecting): one query per 500, answered in the order of `ids`. */
export async function findDeviceCredentials(db: Db, ids: readonly string[]): Promise<(DeviceCredentialRow | undefined)[]> {
  // On every hello (batched): a cached text, not the query builder.
  const rows = await selectWhereIdIn<DeviceCredentialRow>(db, "select id, credential_hash, public_key from devices", [...new Set(ids)]);
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id));
}

/** Binds a key to a device enrolled before keys existed; false when it has one already (first use wins). */
export async function bindDevicePublicKey(db: Db, id: string, publicKey: string): Promise<boolean> {
  const result = await db
    .updateTable("devices")
    .set({ public_key: publicKey })
    .where("id", "=", id)
    .where("public_key", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** What ingest needs of the devices whose reports it applies: the hostname for event snapshots, and the newest policy sent. */
export async function deviceReportContext(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, { hostname: string; policySentVersion: number | null }>> {
  const out = new Map<string, { hostname: string; policySentVersion: number | null }>();
  const rows = await selectWhereIdIn<{ id: string; hostname: string; policy_sent_version: number | null }>(
    db,
    "select id, hostname, policy_sent_version from devices",
    ids,
  );
  for (const row of rows) out.set(row.id, { hostname: row.hostname, policySentVersion: row.policy_sent_version });
  return out;
}

/**
 * The policy `version` was just sent to these devices (a push): the newest version sent only ever grows, so a
 * slower instance recording an older push cannot lower it.
 */
export async function recordPolicySent(db: Db, ids: readonly string[], version: number): Promise<void> {
  for (const part of chunks(ids, 500)) {
    await db
      .updateTable("devices")
      .set({ policy_sent_version: version })
      .where("id", "in", part)
      .where((eb) => eb.or([eb("policy_sent_version", "is", null), eb("policy_sent_version", "<", version)]))
      .execute();
  }
}

type DeviceEb = ExpressionBuilder<Database & { d: DevicesTable }, "d">;

/** A device's open violations, read from the partial index violations_open_by_device alone. */
const openViolations = (eb: DeviceEb) =>
  eb
    .selectFrom("violations as v")
    .whereRef("v.device_id", "=", "d.id")
    .where("v.status", "=", "open")
    .select(eb.fn.countAll<number>().as("n"))
    .as("open_violations");

/** A device's checks whose latest result is pass or fail. */
const knownChecks = (eb: DeviceEb) =>
  eb
    .selectFrom("check_states as c")
    .whereRef("c.device_id", "=", "d.id")
    .where("c.status", "<>", "unknown")
    .select(eb.fn.countAll<number>().as("n"))
    .as("known_checks");

/** Devices with the number of their open violations and of their judged checks, as one query. */
function devicesWithCounts(db: Db) {
  return db.selectFrom("devices as d").selectAll("d").select(openViolations).select(knownChecks);
}

/** By hostname; `os` exactly, `hostname` a case-insensitive part of it. */
export async function listDevices(db: Db, f: { os?: string | undefined; hostname?: string | undefined } = {}): Promise<DeviceSummaryRow[]> {
  let q = db.selectFrom("devices as d").select(SUMMARY_COLUMNS).select(openViolations).select(knownChecks);
  if (f.os !== undefined) q = q.where("d.os", "=", f.os);
  if (f.hostname !== undefined) {
    const pattern = `%${f.hostname.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<SqlBool>`lower(d.hostname) like ${pattern} escape '\\'`);
  }
  const rows = await q.orderBy("d.hostname").orderBy("d.id").execute();
  return rows.map((r) => ({ ...r, open_violations: Number(r.open_violations ?? 0), known_checks: Number(r.known_checks ?? 0) }));
}

export async function getDeviceWithCounts(db: Db, id: string): Promise<DeviceListRow | undefined> {
  const row = await devicesWithCounts(db).where("d.id", "=", id).executeTakeFirst();
  return row === undefined
    ? undefined
    : { ...row, open_violations: Number(row.open_violations ?? 0), known_checks: Number(row.known_checks ?? 0) };
}

/** What a batch learned about one device from its frames; absent fields stay as they are. */
export interface DeviceActivity {
  deviceId: string;
  lastSeen: string;
  /** The version the agent says it runs (hello, heartbeat, policy-applied). */
  policyVersion?: number;
  /** A report was judged by this version: the agent runs at least it (a queued older report lowers nothing). */
  policyVersionSeen?: number;
  policyAppliedAt?: string;
  /** The newest policy version sent to the device on this frame's connection (welcome). */
  policySentVersion?: number;
  agentVersion?: string;
  hostname?: string;
  osName?: string;
  osVersion?: string;
  arch?: string;
  /** What the hello said about the hardware and OS: replaces what was stored (a fact the agent no longer knows is cleared). */
  facts?: DeviceFacts;
  goodbyeAt?: string;
  goodbyeReason?: string;
  /** A hello's account of this run of the agent and the one before (judged once per run: ingest/apply.ts). */
  run?: AgentRun;
}

export interface AgentRun {
  startedAt: string;
  bootId?: string;
  previous?: PreviousRun;
}

/**
 * Claims the judgement of this run's predecessor: true for exactly one caller per run, across instances and
 * reconnections (the run's start is recorded on the device row; an equal one is not claimed again).
 */
export async function claimRun(db: Db, deviceId: string, run: AgentRun): Promise<boolean> {
  const result = await db
    .updateTable("devices")
    .set({ run_started_at: run.startedAt, boot_id: run.bootId ?? null })
    .where("id", "=", deviceId)
    .where((eb) => eb.or([eb("run_started_at", "is", null), eb("run_started_at", "<>", run.startedAt)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** `column = <version>` unless the column already holds a newer one (a queued older report lowers nothing). */
const raisedTo = (column: "policy_sent_version" | "policy_version"): string =>
  `${column} = case when ${column} is null then ? when ${column} < ? then ? else ${column} end`;

/**
 * One UPDATE of a device's row: its SET clause and parameters. The text depends only on which fields are present
 * (a few shapes: heartbeat, report, hello, goodbye…), so each shape is one cached statement (store/hot.ts).
 */
export function deviceActivityUpdate(a: DeviceActivity): { text: string; params: unknown[] } {
  // Never move last_seen backwards (another instance may have written a later one).
  const set = ["last_seen = case when last_seen is null then ? when last_seen < ? then ? else last_seen end"];
  const params: unknown[] = [a.lastSeen, a.lastSeen, a.lastSeen];
  const raise = (column: "policy_sent_version" | "policy_version", version: number): void => {
    set.push(raisedTo(column));
    params.push(version, version, version);
  };
  const assign = (column: string, value: unknown): void => {
    set.push(`${column} = ?`);
    params.push(value);
  };
  // What the agent said it runs is taken as said; what a report was judged by only ever raises it.
  if (a.policyVersion !== undefined) assign("policy_version", Math.max(a.policyVersion, a.policyVersionSeen ?? a.policyVersion));
  else if (a.policyVersionSeen !== undefined) raise("policy_version", a.policyVersionSeen);
  if (a.policyAppliedAt !== undefined) assign("policy_applied_at", a.policyAppliedAt);
  if (a.policySentVersion !== undefined) raise("policy_sent_version", a.policySentVersion);
  if (a.agentVersion !== undefined) assign("agent_version", a.agentVersion);
  if (a.hostname !== undefined) assign("hostname", a.hostname);
  if (a.osName !== undefined) assign("os_name", a.osName);
  if (a.osVersion !== undefined) assign("os_version", a.osVersion);
  if (a.arch !== undefined) assign("arch", a.arch);
  if (a.facts !== undefined) {
    assign("hw_manufacturer", a.facts.manufacturer ?? null);
    assign("hw_model", a.facts.model ?? null);
    assign("hw_serial", a.facts.serial ?? null);
    assign("os_distribution", a.facts.osDistribution ?? null);
    assign("os_release", a.facts.osRelease ?? null);
  }
  if (a.goodbyeAt !== undefined) {
    assign("goodbye_at", a.goodbyeAt);
    assign("goodbye_reason", a.goodbyeReason ?? null);
  }
  params.push(a.deviceId);
  return { text: `update devices set ${set.join(", ")} where id = ?`, params };
}

/** Whether the activity says nothing beyond these fields (absent ones may be present as undefined). */
function saysOnly(a: DeviceActivity, fields: ReadonlySet<string>): boolean {
  return Object.keys(a).every((k) => fields.has(k) || (a as unknown as Record<string, unknown>)[k] === undefined);
}

/** Activity that only says "seen at, judged by version": reports, most of what a busy fleet sends. */
const SEEN_FIELDS = new Set(["deviceId", "lastSeen", "policyVersionSeen"]);

/**
 * A batch's seen-only activity in a few set-based statements (UPDATE … FROM VALUES, chunks of ROW_CHUNKS sizes): one
 * round trip per chunk on PostgreSQL instead of one per device. The same rules as deviceActivityUpdate: last_seen never
 * moves backwards, a report's policy version only ever raises the device's. `activities` holds each device once.
 */
async function applySeenOnly(db: Db, activities: readonly DeviceActivity[]): Promise<void> {
  const sqlite = isSqlite(db);
  // PostgreSQL types the VALUES columns from their first row: say them.
  const row = sqlite ? "(?, ?, ?)" : "(?::text, ?::text, ?::integer)";
  await updateFromValues(
    db,
    row,
    "update devices set " +
      "last_seen = case when devices.last_seen is null or devices.last_seen < v.last_seen then v.last_seen else devices.last_seen end, " +
      "policy_version = case when v.seen is null then devices.policy_version " +
      "when devices.policy_version is null or devices.policy_version < v.seen then v.seen else devices.policy_version end " +
      // VALUES columns are column1… in both dialects (SQLite takes no column list on the alias).
      "from (select column1 as id, column2 as last_seen, column3 as seen from (values <rows>) as x) as v where devices.id = v.id",
    activities.map((a) => [a.deviceId, a.lastSeen, a.policyVersionSeen ?? null]),
  );
}

const SAID_FIELDS = new Set(["deviceId", "lastSeen", "policyVersion", "policyAppliedAt", "policyVersionSeen"]);

/** Activity that says which version the agent runs (a heartbeat, a policy-applied, either with a report's version). */
const isVersionSaid = (a: DeviceActivity): boolean => a.policyVersion !== undefined && saysOnly(a, SAID_FIELDS);

/**
 * Heartbeats and policy-applied frames set-based, as applySeenOnly: the version is taken as said (raised by a report's
 * in the same batch, as deviceActivityUpdate does), the applied time when there is one, last_seen never backwards.
 * `activities` holds each device once.
 */
async function applyVersionSaid(db: Db, activities: readonly DeviceActivity[]): Promise<void> {
  const row = isSqlite(db) ? "(?, ?, ?, ?)" : "(?::text, ?::text, ?::integer, ?::text)";
  await updateFromValues(
    db,
    row,
    "update devices set " +
      "last_seen = case when devices.last_seen is null or devices.last_seen < v.last_seen then v.last_seen else devices.last_seen end, " +
      "policy_version = v.version, " +
      "policy_applied_at = coalesce(v.applied_at, devices.policy_applied_at) " +
      "from (select column1 as id, column2 as last_seen, column3 as version, column4 as applied_at from (values <rows>) as x) as v " +
      "where devices.id = v.id",
    activities.map((a) => {
      const said = a.policyVersion ?? 0;
      return [a.deviceId, a.lastSeen, Math.max(said, a.policyVersionSeen ?? said), a.policyAppliedAt ?? null];
    }),
  );
}

/**
 * One UPDATE per device per batch, however many heartbeats the batch held: the common shapes (seen by a report; a
 * version said by a heartbeat or policy-applied) set-based, the rest (hello, goodbye) one statement each.
 */
export async function applyDeviceActivity(db: Db, activities: readonly DeviceActivity[]): Promise<void> {
  // An UPDATE … FROM applies one arbitrary match per row: a device twice in one call goes one statement at a time, in
  // order (the ingest merges activity per device, so this is rare).
  const counts = new Map<string, number>();
  for (const a of activities) counts.set(a.deviceId, (counts.get(a.deviceId) ?? 0) + 1);
  const once = activities.filter((a) => counts.get(a.deviceId) === 1);
  const seenOnly = once.filter((a) => saysOnly(a, SEEN_FIELDS));
  const said = once.filter(isVersionSaid);
  if (seenOnly.length > 0) await applySeenOnly(db, seenOnly);
  if (said.length > 0) await applyVersionSaid(db, said);
  const setBased = new Set<DeviceActivity>([...seenOnly, ...said]);
  for (const a of activities) {
    if (setBased.has(a)) continue;
    const { text, params } = deviceActivityUpdate(a);
    await runHot(db, text, params);
  }
}

/** Hostnames by device id (for answers that name devices). */
export async function deviceHostnames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks(ids, 500)) {
    for (const row of await db.selectFrom("devices").select(["id", "hostname"]).where("id", "in", part).execute())
      out.set(row.id, row.hostname);
  }
  return out;
}

export async function countDevices(db: Db): Promise<number> {
  const row = await db
    .selectFrom("devices")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
