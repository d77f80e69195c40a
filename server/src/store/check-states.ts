// Queries on the latest result per (device, check): what the device page shows and what stale reports are measured against.
import type { Selectable } from "kysely";
import { chunks } from "./chunks.js";
import type { CheckStatesTable, Db } from "./schema.js";

export type CheckStateRow = Selectable<CheckStatesTable>;

export async function loadCheckStates(db: Db, deviceIds: readonly string[]): Promise<CheckStateRow[]> {
  const out: CheckStateRow[] = [];
  for (const part of chunks(deviceIds, 500)) {
    out.push(...(await db.selectFrom("check_states").selectAll().where("device_id", "in", part).execute()));
  }
  return out;
}

export async function upsertCheckStates(db: Db, rows: readonly CheckStateRow[]): Promise<void> {
  for (const part of chunks(rows, 200)) {
    await db
      .insertInto("check_states")
      .values(part)
      .onConflict((oc) =>
        oc.columns(["device_id", "check"]).doUpdateSet((eb) => ({
          status: eb.ref("excluded.status"),
          observed_at: eb.ref("excluded.observed_at"),
          report_id: eb.ref("excluded.report_id"),
          result: eb.ref("excluded.result"),
        })),
      )
      .execute();
  }
}

export async function listCheckStates(db: Db, deviceId: string): Promise<CheckStateRow[]> {
  return db.selectFrom("check_states").selectAll().where("device_id", "=", deviceId).orderBy("check").execute();
}
