// Agent presence: the run of the agent whose predecessor was last judged (a returning agent's gap is judged once, however often it reconnects).
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("devices").addColumn("run_started_at", "text").execute();
  await db.schema.alterTable("devices").addColumn("boot_id", "text").execute();
  // The watchdog looks every second for devices whose last goodbye said service-stop or uninstall.
  await db.schema.createIndex("devices_goodbye").on("devices").columns(["goodbye_reason", "goodbye_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("devices_goodbye").ifExists().execute();
  await db.schema.alterTable("devices").dropColumn("boot_id").execute();
  await db.schema.alterTable("devices").dropColumn("run_started_at").execute();
}
