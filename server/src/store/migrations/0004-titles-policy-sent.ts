// A software violation's title detail, and the newest policy version the server has sent to each device.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // JSON text like the other JSON columns (reports.body, check_states.result): the same on SQLite and PostgreSQL,
  // and equal details compare equal as text (they are stored with sorted keys), which GET /api/v1/software groups by.
  await db.schema.alterTable("violations").addColumn("title", "text").execute();
  // A report judged by an older policy than this changes no violation (the agent re-judges under the new one).
  await db.schema.alterTable("devices").addColumn("policy_sent_version", "integer").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("devices").dropColumn("policy_sent_version").execute();
  await db.schema.alterTable("violations").dropColumn("title").execute();
}
