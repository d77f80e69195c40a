// Queries for the privacy export and erasure: every row of one device, the rows that may name one user, and their rewrites.
// Typed by schema.ts: a column a migration adds is neither exported nor erased here until this file and the export
// schema (shared/src/privacy.ts) say how.
import { type Expression, type Selectable, type SqlBool, sql } from "kysely";
import type { Dialect, Store } from "./db.js";
import type {
  AuditTable,
  CheckStatesTable,
  Db,
  DevicesTable,
  EventsTable,
  ExemptionsTable,
  ReportsTable,
  ViolationsTable,
} from "./schema.js";

/**
 * Case-insensitive "contains" for a coarse prefilter; the caller decides exactly in code. SQLite's lower()
 * folds ASCII only (Ö stays Ö), so there the column goes through fold_text() (NFC, full lower case; see
 * db.ts); PostgreSQL's lower() folds by the database's UTF-8 ctype. `needle` comes lower-cased.
 */
export function containsText(dialect: Dialect, column: string, needle: string): Expression<SqlBool> {
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const folded = dialect === "sqlite" ? sql`fold_text(${sql.ref(column)})` : sql`lower(${sql.ref(column)})`;
  return sql<SqlBool>`${folded} like ${pattern} escape '\\'`;
}

export function anyContains(dialect: Dialect, columns: readonly string[], needles: readonly string[]): Expression<SqlBool> {
  const parts = columns.flatMap((c) => needles.map((n) => containsText(dialect, c, n)));
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

// ── one device ──

/** The device record without its credential hash: never exported, and not needed to erase. */
export type DeviceRecordRow = Omit<Selectable<DevicesTable>, "credential_hash">;

export async function deviceRecord(db: Db, id: string): Promise<DeviceRecordRow | undefined> {
  return db
    .selectFrom("devices")
    .select([
      "id",
      "hardware_id",
      "hostname",
      "os",
      "os_name",
      "os_version",
      "arch",
      "agent_version",
      "enrolled_at",
      "credential_issued_at",
      "last_seen",
      "policy_version",
      "policy_applied_at",
      "policy_sent_version",
      "goodbye_at",
      "goodbye_reason",
      "public_key",
      "re_enrollment_of",
      "run_started_at",
      "boot_id",
      "hw_manufacturer",
      "hw_model",
      "hw_serial",
      "os_distribution",
      "os_release",
    ])
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function checkStatesOfDevice(db: Db, id: string): Promise<Selectable<CheckStatesTable>[]> {
  return db.selectFrom("check_states").selectAll().where("device_id", "=", id).orderBy("check").execute();
}

export async function reportsOfDevice(db: Db, id: string): Promise<Selectable<ReportsTable>[]> {
  return db.selectFrom("reports").selectAll().where("device_id", "=", id).orderBy("received_at").execute();
}

export async function violationsOfDevice(db: Db, id: string): Promise<Selectable<ViolationsTable>[]> {
  return db.selectFrom("violations").selectAll().where("device_id", "=", id).orderBy("id").execute();
}

export async function eventsOfDevice(db: Db, id: string): Promise<Selectable<EventsTable>[]> {
  return db.selectFrom("events").selectAll().where("device_id", "=", id).orderBy("id").execute();
}

/** The exemptions made for this device by its id (not the "*" ones, which are no one's device). */
export async function exemptionsOfDevice(db: Db, id: string): Promise<Selectable<ExemptionsTable>[]> {
  return db.selectFrom("exemptions").selectAll().where("device", "=", id).orderBy("id").execute();
}

export interface DeviceRowsDeleted {
  exemptions: number;
  events: number;
  violations: number;
  results: number;
  reports: number;
  devices: number;
}

/** Children first, so that this works whether or not the foreign keys cascade. */
export async function deleteDeviceRows(db: Db, id: string): Promise<DeviceRowsDeleted> {
  const n = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);
  return {
    exemptions: n(await db.deleteFrom("exemptions").where("device", "=", id).executeTakeFirstOrThrow()),
    events: n(await db.deleteFrom("events").where("device_id", "=", id).executeTakeFirstOrThrow()),
    violations: n(await db.deleteFrom("violations").where("device_id", "=", id).executeTakeFirstOrThrow()),
    results: n(await db.deleteFrom("check_states").where("device_id", "=", id).executeTakeFirstOrThrow()),
    reports: n(await db.deleteFrom("reports").where("device_id", "=", id).executeTakeFirstOrThrow()),
    devices: n(await db.deleteFrom("devices").where("id", "=", id).executeTakeFirstOrThrow()),
  };
}

// ── rows that may name one user (coarse, case-folded: the caller decides exactly) ──

export const VIOLATION_TEXT_COLUMNS = ["subject", "message", "observed", "expected"] as const;
export const EXEMPTION_TEXT_COLUMNS = ["subject", "reason", "rule"] as const;

export async function violationsMentioning(store: Store, db: Db, needles: readonly string[]): Promise<Selectable<ViolationsTable>[]> {
  return db
    .selectFrom("violations")
    .selectAll()
    .where(anyContains(store.dialect, VIOLATION_TEXT_COLUMNS, needles))
    .orderBy("id")
    .execute();
}

export async function eventsMentioning(store: Store, db: Db, needles: readonly string[]): Promise<Selectable<EventsTable>[]> {
  return db
    .selectFrom("events")
    .selectAll()
    .where(anyContains(store.dialect, ["violation"], needles))
    .orderBy("id")
    .execute();
}

export async function checkStatesMentioning(store: Store, db: Db, needles: readonly string[]): Promise<Selectable<CheckStatesTable>[]> {
  return db
    .selectFrom("check_states")
    .selectAll()
    .where(anyContains(store.dialect, ["result"], needles))
    .orderBy("device_id")
    .orderBy("check")
    .execute();
}

export async function reportsMentioning(store: Store, db: Db, needles: readonly string[]): Promise<Selectable<ReportsTable>[]> {
  return db
    .selectFrom("reports")
    .selectAll()
    .where(anyContains(store.dialect, ["body"], needles))
    .orderBy("received_at")
    .execute();
}

export async function exemptionsMentioning(store: Store, db: Db, needles: readonly string[]): Promise<Selectable<ExemptionsTable>[]> {
  return db
    .selectFrom("exemptions")
    .selectAll()
    .where(anyContains(store.dialect, EXEMPTION_TEXT_COLUMNS, needles))
    .orderBy("id")
    .execute();
}

export async function auditMentioning(store: Store, db: Db, needles: readonly string[]): Promise<Selectable<AuditTable>[]> {
  return db
    .selectFrom("audit")
    .selectAll()
    .where(anyContains(store.dialect, ["detail"], needles))
    .orderBy("id")
    .execute();
}

// ── rewrites (erasure) ──

export async function setViolationTexts(
  db: Db,
  id: string,
  texts: Pick<Selectable<ViolationsTable>, (typeof VIOLATION_TEXT_COLUMNS)[number]>,
): Promise<void> {
  await db.updateTable("violations").set(texts).where("id", "=", id).execute();
}

export async function setExemptionTexts(
  db: Db,
  id: string,
  texts: Partial<Pick<Selectable<ExemptionsTable>, (typeof EXEMPTION_TEXT_COLUMNS)[number]>>,
): Promise<void> {
  await db.updateTable("exemptions").set(texts).where("id", "=", id).execute();
}

export async function setEventViolation(db: Db, id: number, violation: string): Promise<void> {
  await db.updateTable("events").set({ violation }).where("id", "=", id).execute();
}

export async function setCheckStateResult(db: Db, key: { deviceId: string; check: string }, result: string): Promise<void> {
  await db.updateTable("check_states").set({ result }).where("device_id", "=", key.deviceId).where("check", "=", key.check).execute();
}

export async function setReportBody(db: Db, key: { deviceId: string; id: string }, body: string): Promise<void> {
  await db.updateTable("reports").set({ body }).where("device_id", "=", key.deviceId).where("id", "=", key.id).execute();
}

export async function setAuditDetail(db: Db, id: number, detail: string): Promise<void> {
  await db.updateTable("audit").set({ detail }).where("id", "=", id).execute();
}
