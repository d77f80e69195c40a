// Policy change summaries, the audit log, and the indexes the retention job prunes by.
import type { Kysely } from "kysely";
import type { Dialect } from "../db.js";

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // What changed against the previous version, in words; null for versions written before this column.
  await db.schema.alterTable("policies").addColumn("summary", "text").execute();

  let audit = db.schema.createTable("audit");
  audit =
    dialect === "postgres"
      ? audit.addColumn("id", "bigint", (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : audit.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
  await audit
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target", "text", (c) => c.notNull())
    .addColumn("detail", "text")
    .execute();
  await db.schema.createIndex("audit_at").on("audit").column("at").execute();
  await db.schema.createIndex("audit_action_id").on("audit").columns(["action", "id"]).execute();

  // Retention deletes by age: these keep the hourly prune an index range, not a table scan.
  await db.schema.createIndex("events_at").on("events").column("at").execute();
  await db.schema.createIndex("violations_resolved_at").on("violations").column("resolved_at").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("violations_resolved_at").ifExists().execute();
  await db.schema.dropIndex("events_at").ifExists().execute();
  await db.schema.dropTable("audit").ifExists().execute();
  await db.schema.alterTable("policies").dropColumn("summary").execute();
}
