// Queries on the latest result per (device, check): what the device page shows and what stale reports are measured against.
import type { Selectable } from "kysely";
import { chunks } from "./chunks.js";
import { insertRows } from "./hot.js";
import type { CheckStatesTable, Db } from "./schema.js";

export type CheckStateRow = Selectable<CheckStatesTable>;

/** When each (device, check) was last observed: all a batch needs to tell a stale result (the stored result stays unread). */
export async function loadObservedAt(
  db: Db,
  deviceIds: readonly string[],
): Promise<Pick<CheckStateRow, "device_id" | "check" | "observed_at">[]> {
  const out: Pick<CheckStateRow, "device_id" | "check" | "observed_at">[] = [];
  for (const part of chunks(deviceIds, 500)) {
    out.push(
      ...(await db.selectFrom("check_states").select(["device_id", "check", "observed_at"]).where("device_id", "in", part).execute()),
    );
  }
  return out;
}

/** The latest result per (device, check): a batch's rows in a few multi-row statements (store/hot.ts). */
export async function upsertCheckStates(db: Db, rows: readonly CheckStateRow[]): Promise<void> {
  await insertRows(
    db,
    'insert into check_states (device_id, "check", status, observed_at, report_id, result)',
    rows.map((r) => [r.device_id, r.check, r.status, r.observed_at, r.report_id, r.result]),
    'on conflict (device_id, "check") do update set status = excluded.status, observed_at = excluded.observed_at, report_id = excluded.report_id, result = excluded.result',
  );
}

export async function listCheckStates(db: Db, deviceId: string): Promise<CheckStateRow[]> {
  return db.selectFrom("check_states").selectAll().where("device_id", "=", deviceId).orderBy("check").execute();
}
