// Indexes for the security team's lists at fleet size (10,000 devices, 300,000 violations): the device list's open
// count per device, and the violation list's counts per check, each read from an index alone instead of every row.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // GET /api/v1/devices counts each device's open violations: a partial index the count reads without the rows.
  await db.schema
    .createIndex("violations_open_by_device")
    .on("violations")
    .column("device_id")
    .where(sql.ref("status"), "=", "open")
    .execute();
  // GET /api/v1/violations counts the matching violations per check, on every page.
  await db.schema.createIndex("violations_status_check").on("violations").columns(["status", "check"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("violations_status_check").ifExists().execute();
  await db.schema.dropIndex("violations_open_by_device").ifExists().execute();
}
