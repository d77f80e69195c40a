// The first schema: devices, tokens, reports, latest check states, violations, the event feed, policies.
import { type Kysely, sql } from "kysely";
import type { Dialect } from "../db.js";

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable("devices")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("hardware_id", "text", (c) => c.notNull().unique())
    .addColumn("hostname", "text", (c) => c.notNull())
    .addColumn("os", "text", (c) => c.notNull())
    .addColumn("os_name", "text")
    .addColumn("os_version", "text")
    .addColumn("arch", "text")
    .addColumn("agent_version", "text")
    .addColumn("credential_hash", "text", (c) => c.notNull())
    .addColumn("enrolled_at", "text", (c) => c.notNull())
    .addColumn("credential_issued_at", "text", (c) => c.notNull())
    .addColumn("last_seen", "text")
    .addColumn("policy_version", "integer")
    .addColumn("policy_applied_at", "text")
    .addColumn("goodbye_at", "text")
    .addColumn("goodbye_reason", "text")
    .execute();

  await db.schema
    .createTable("tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('viewer', 'admin')`))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .execute();

  await db.schema
    .createTable("reports")
    .addColumn("device_id", "text", (c) => c.notNull().references("devices.id").onDelete("cascade"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("observed_at", "text", (c) => c.notNull())
    .addColumn("received_at", "text", (c) => c.notNull())
    .addColumn("policy_version", "integer", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("reports_pk", ["device_id", "id"])
    .execute();
  await db.schema.createIndex("reports_received_at").on("reports").column("received_at").execute();

  await db.schema
    .createTable("check_states")
    .addColumn("device_id", "text", (c) => c.notNull().references("devices.id").onDelete("cascade"))
    .addColumn("check", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("observed_at", "text", (c) => c.notNull())
    .addColumn("report_id", "text", (c) => c.notNull())
    .addColumn("result", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("check_states_pk", ["device_id", "check"])
    .execute();

  await db.schema
    .createTable("violations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("device_id", "text", (c) => c.notNull().references("devices.id").onDelete("cascade"))
    .addColumn("check", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("rule", "text")
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("observed", "text", (c) => c.notNull())
    .addColumn("expected", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('open', 'resolved', 'exempted')`))
    .addColumn("first_seen", "text", (c) => c.notNull())
    .addColumn("last_seen", "text", (c) => c.notNull())
    .addColumn("resolved_at", "text")
    .execute();
  // One row per (device, check, subject) while it lasts: the database enforces it, not only the code.
  await db.schema
    .createIndex("violations_lasting")
    .on("violations")
    .columns(["device_id", "check", "subject"])
    .unique()
    .where(sql.ref("status"), "in", ["open", "exempted"])
    .execute();
  await db.schema.createIndex("violations_status_id").on("violations").columns(["status", "id"]).execute();
  await db.schema.createIndex("violations_device_id").on("violations").columns(["device_id", "id"]).execute();

  let events = db.schema.createTable("events");
  events =
    dialect === "postgres"
      ? events.addColumn("id", "bigint", (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : events.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
  await events
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("violation_id", "text", (c) => c.notNull())
    .addColumn("device_id", "text", (c) => c.notNull().references("devices.id").onDelete("cascade"))
    .addColumn("violation", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("policies")
    .addColumn("version", "integer", (c) => c.primaryKey())
    .addColumn("document", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("author", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["events", "violations", "check_states", "reports", "tokens", "policies", "devices"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
