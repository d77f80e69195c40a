// Policy previews shared by the instances on one PostgreSQL database: the candidate (too big for a NOTIFY payload) and
// each agent's answer, kept for a minute (store/previews.ts prunes them).
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("policy_previews")
    .addColumn("id", "text", (c) => c.primaryKey())
    /** The candidate policy, JSON. */
    .addColumn("policy", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("policy_preview_answers")
    .addColumn("preview_id", "text", (c) => c.notNull())
    .addColumn("device_id", "text", (c) => c.notNull())
    /** The agent's preview-result frame, JSON. */
    .addColumn("answer", "text", (c) => c.notNull())
    .addColumn("answered_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("policy_preview_answers_pk", ["preview_id", "device_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("policy_preview_answers").ifExists().execute();
  await db.schema.dropTable("policy_previews").ifExists().execute();
}
