// SIEM webhooks with their delivery state and lease, and the device facts an asset list needs (model, serial, OS release).
import type { Kysely } from "kysely";
import type { Dialect } from "../db.js";

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const seq = dialect === "postgres" ? "bigint" : "integer";
  await db.schema
    .createTable("webhooks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("url", "text", (c) => c.notNull())
    /** The HMAC key, as given: a signature needs the key itself, so it cannot be stored hashed. Never logged, never answered. */
    .addColumn("secret", "text", (c) => c.notNull())
    /** JSON array of event kinds. */
    .addColumn("events", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("paused", "integer", (c) => c.notNull().defaultTo(0))
    /** The feed seq delivered (or skipped) last: delivery resumes after it, from the stored events. */
    .addColumn("last_event_id", seq, (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text")
    .addColumn("last_delivered_at", "text")
    .addColumn("last_error", "text")
    .addColumn("delivered", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("failures", "integer", (c) => c.notNull().defaultTo(0))
    /** The instance delivering this hook, until lease_until: one instance delivers each event. */
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "text")
    .execute();
  for (const column of ["hw_manufacturer", "hw_model", "hw_serial", "os_distribution", "os_release"]) {
    await db.schema.alterTable("devices").addColumn(column, "text").execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("webhooks").ifExists().execute();
  for (const column of ["hw_manufacturer", "hw_model", "hw_serial", "os_distribution", "os_release"]) {
    await db.schema.alterTable("devices").dropColumn(column).execute();
  }
}
