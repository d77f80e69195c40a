// Agent presence: the run of the agent whose predecessor was last judged (a returning agent's gap is judged once, however often it reconnects).
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("devices").addColumn("run_started_at", "text").execute();
  await db.schema.alterTable("devices").addColumn("boot_id", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("devices").dropColumn("boot_id").execute();
  await db.schema.alterTable("devices").dropColumn("run_started_at").execute();
}
