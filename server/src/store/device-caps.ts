// Queries behind the per-device caps: how many violation rows a device opened lately, and taking back a report refused for it.
import { uuidv7 } from "@wegroup/shared";
import { chunks } from "./chunks.js";
import type { Db } from "./schema.js";

/**
 * Violation rows each device opened since `sinceMs`, counted by id: ids are UUIDv7 made from the server's
 * clock, so neither an agent's claimed observation times nor old rows can skew the count, and the
 * (device_id, id) index answers it.
 */
export async function violationsOpenedSince(db: Db, deviceIds: readonly string[], sinceMs: number): Promise<Map<string, number>> {
  const lowest = uuidv7(sinceMs, (bytes) => bytes.fill(0));
  const counts = new Map<string, number>();
  for (const part of chunks(deviceIds, 500)) {
    const rows = await db
      .selectFrom("violations")
      .select(["device_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("device_id", "in", part)
      .where("id", ">=", lowest)
      .groupBy("device_id")
      .execute();
    for (const r of rows) counts.set(r.device_id, Number(r.n));
  }
  return counts;
}

/** Removes reports that were inserted in this transaction but then refused (so that a later resend is judged afresh). */
export async function deleteReports(db: Db, keys: readonly { deviceId: string; id: string }[]): Promise<void> {
  for (const { deviceId, id } of keys) await db.deleteFrom("reports").where("device_id", "=", deviceId).where("id", "=", id).execute();
}
