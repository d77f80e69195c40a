// Exemptions, and the indexes the exemption reconciler and the agent-silent watchdog look rows up by.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("exemptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    /** A device id, or "*" for every device (no foreign key for that reason; erasing a device deletes its rows in code). */
    .addColumn("device", "text", (c) => c.notNull())
    .addColumn("check", "text", (c) => c.notNull())
    .addColumn("rule", "text")
    .addColumn("subject", "text")
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("approved_by", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    // Set once, by whoever ended it first (a DELETE, or the expiry on any instance): the end is handled once.
    .addColumn("ended_at", "text")
    .addColumn("end_reason", "text", (c) => c.check(sql`end_reason in ('expired', 'deleted')`))
    .addColumn("ended_by", "text")
    .addCheckConstraint("exemptions_rule_or_subject", sql`rule is not null or subject is not null`)
    .execute();
  await db.schema.createIndex("exemptions_active").on("exemptions").column("expires_at").where(sql.ref("ended_at"), "is", null).execute();
  await db.schema.createIndex("exemptions_device").on("exemptions").column("device").execute();

  // The rows that last, by check: what an exemption can cover, and the agent-silent rows of a device.
  await db.schema
    .createIndex("violations_lasting_by_check")
    .on("violations")
    .columns(["check", "device_id"])
    .where(sql.ref("status"), "in", ["open", "exempted"])
    .execute();
  // The watchdog looks for devices silent since before a cutoff.
  await db.schema.createIndex("devices_last_seen").on("devices").column("last_seen").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("devices_last_seen").ifExists().execute();
  await db.schema.dropIndex("violations_lasting_by_check").ifExists().execute();
  await db.schema.dropTable("exemptions").ifExists().execute();
}
