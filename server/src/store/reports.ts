// Queries on stored reports: insert-once by (device, report id), so that a resend is stored once.
import { insertRows } from "./hot.js";
import type { Db } from "./schema.js";

export interface ReportRow {
  device_id: string;
  id: string;
  observed_at: string;
  received_at: string;
  policy_version: number;
  body: string;
}

export const reportKey = (deviceId: string, reportId: string): string => `${deviceId}\u0000${reportId}`;

/** Inserts the reports not stored yet and answers the keys (see reportKey) of those it inserted. */
export async function insertReports(db: Db, rows: readonly ReportRow[]): Promise<Set<string>> {
  const done = await insertRows<{ device_id: string; id: string }>(
    db,
    "insert into reports (device_id, id, observed_at, received_at, policy_version, body)",
    rows.map((r) => [r.device_id, r.id, r.observed_at, r.received_at, r.policy_version, r.body]),
    "on conflict (device_id, id) do nothing returning device_id, id",
  );
  return new Set(done.map((r) => reportKey(r.device_id, r.id)));
}

export async function countReports(db: Db, deviceId: string): Promise<number> {
  const row = await db
    .selectFrom("reports")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("device_id", "=", deviceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The newest stored reports of a device (their bodies: what the agent said, enforcement outcomes included). */
export async function latestReports(db: Db, deviceId: string, limit: number): Promise<ReportRow[]> {
  return db
    .selectFrom("reports")
    .selectAll()
    .where("device_id", "=", deviceId)
    .orderBy("observed_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}
