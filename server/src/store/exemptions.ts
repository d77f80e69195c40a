// Queries on exemptions, and on the lasting violation rows they can cover (status changes are conditional, so concurrent instances act once).
import type { CheckId, Exemption, ExemptionStatus, ViolationStatus } from "@wegroup/shared";
import type { Selectable } from "kysely";
import type { ExemptionRule } from "../violations/exemption.js";
import type { Db, ExemptionsTable } from "./schema.js";
import { recordOf, type ViolationWithHost } from "./violations.js";
import { isLasting } from "./lasting.js";

export type ExemptionRow = Selectable<ExemptionsTable>;

export function ruleOf(row: ExemptionRow): ExemptionRule {
  return { id: row.id, device: row.device, check: row.check as CheckId, rule: row.rule, subject: row.subject, expiresAt: row.expires_at };
}

export function statusOf(row: ExemptionRow, now: string): ExemptionStatus {
  if (row.end_reason === "deleted") return "deleted";
  return row.ended_at !== null || row.expires_at <= now ? "expired" : "active";
}

export function toApiExemption(row: ExemptionRow, now: string): Exemption {
  return {
    id: row.id,
    device: row.device,
    check: row.check as CheckId,
    rule: row.rule,
    subject: row.subject,
    reason: row.reason,
    approvedBy: row.approved_by,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    createdBy: row.created_by,
    status: statusOf(row, now),
    endedAt: row.ended_at,
  };
}

export async function insertExemption(db: Db, row: ExemptionRow): Promise<void> {
  await db.insertInto("exemptions").values(row).execute();
}

export async function findExemption(db: Db, id: string): Promise<ExemptionRow | undefined> {
  return db.selectFrom("exemptions").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Newest first (ids are UUIDv7). */
export async function listExemptions(
  db: Db,
  f: { status: ExemptionStatus | "all"; device?: string | undefined; now: string },
): Promise<ExemptionRow[]> {
  let q = db.selectFrom("exemptions").selectAll();
  if (f.device !== undefined) q = q.where("device", "=", f.device);
  if (f.status === "active") q = q.where("ended_at", "is", null).where("expires_at", ">", f.now);
  if (f.status === "deleted") q = q.where("end_reason", "=", "deleted");
  if (f.status === "expired") {
    q = q.where((eb) => eb.or([eb("end_reason", "=", "expired"), eb.and([eb("ended_at", "is", null), eb("expires_at", "<=", f.now)])]));
  }
  return q.orderBy("id", "desc").execute();
}

/** The rows of the exemptions standing at `now` (with approver and reason, for showing what covers a violation). */
export async function standingExemptionRows(db: Db, now: string): Promise<ExemptionRow[]> {
  return db.selectFrom("exemptions").selectAll().where("ended_at", "is", null).where("expires_at", ">", now).execute();
}

/** The exemptions standing at `now`. The table is small (security's written consents): all of them, at once. */
export async function standingExemptions(db: Db, now: string): Promise<ExemptionRule[]> {
  const rows = await db.selectFrom("exemptions").selectAll().where("ended_at", "is", null).where("expires_at", ">", now).execute();
  return rows.map(ruleOf);
}

/** Not ended yet but past their expiry: the sweep ends them. */
export async function dueExemptions(db: Db, now: string): Promise<ExemptionRow[]> {
  return db.selectFrom("exemptions").selectAll().where("ended_at", "is", null).where("expires_at", "<=", now).orderBy("id").execute();
}

/** When the next standing exemption expires, if any does. */
export async function nextExpiry(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom("exemptions")
    .select((eb) => eb.fn.min("expires_at").as("next"))
    .where("ended_at", "is", null)
    .executeTakeFirst();
  return row?.next ?? undefined;
}

/** Ends it once: answers false when it was ended already (by another request or instance) or does not exist. */
export async function endExemption(db: Db, id: string, end: { at: string; reason: "expired" | "deleted"; by: string }): Promise<boolean> {
  const result = await db
    .updateTable("exemptions")
    .set({ ended_at: end.at, end_reason: end.reason, ended_by: end.by })
    .where("id", "=", id)
    .where("ended_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The lasting rows (open or exempted) an exemption of this check and device could cover; the subject glob
 * is matched by the caller (a glob is not a LIKE pattern). `device` "*" means every device.
 */
export async function lastingRowsOf(db: Db, check: string, device: string): Promise<ViolationWithHost[]> {
  let q = db
    .selectFrom("violations as v")
    .innerJoin("devices as d", "d.id", "v.device_id")
    .selectAll("v")
    .select("d.hostname")
    .where("v.check", "=", check)
    .where(isLasting("v.status"));
  if (device !== "*") q = q.where("v.device_id", "=", device);
  return (await q.execute()).map((r) => ({ ...recordOf(r), hostname: r.hostname }));
}

/** Every exempted row: the sweep checks each still has a standing exemption. */
export async function exemptedRows(db: Db): Promise<ViolationWithHost[]> {
  const rows = await db
    .selectFrom("violations as v")
    .innerJoin("devices as d", "d.id", "v.device_id")
    .selectAll("v")
    .select("d.hostname")
    .where("v.status", "=", "exempted")
    .execute();
  return rows.map((r) => ({ ...recordOf(r), hostname: r.hostname }));
}

/** Moves a row from one lasting status to the other only if it still has `from`: of two instances, one wins. */
export async function changeLastingStatus(db: Db, id: string, from: ViolationStatus, to: ViolationStatus): Promise<boolean> {
  const result = await db.updateTable("violations").set({ status: to }).where("id", "=", id).where("status", "=", from).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
