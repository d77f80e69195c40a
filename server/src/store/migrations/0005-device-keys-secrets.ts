// Device keys and re-enrollments (a known hardware id no longer takes over its device), and the hashes of the enrollment secrets every instance accepts.
import { type Kysely, sql } from "kysely";
import type { Dialect } from "../db.js";

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable("devices").addColumn("public_key", "text").execute();
  // The earlier device of the same hardware id (no foreign key: erasing that device must not rewrite this one).
  await db.schema.alterTable("devices").addColumn("re_enrollment_of", "text").execute();
  if (dialect === "sqlite") await dropHardwareUniqueSqlite(db);
  else await dropHardwareUniquePostgres(db);
  // Still one original device per hardware id, so that two instances enrolling it at once agree which is the original.
  await db.schema
    .createIndex("devices_hardware_original")
    .on("devices")
    .column("hardware_id")
    .unique()
    .where(sql.ref("re_enrollment_of"), "is", null)
    .execute();

  // Hashes of the valid enrollment secrets (never the secrets): instances with their own data dirs each add theirs.
  // The data-dir admin tokens are ordinary rows of `tokens`.
  await db.schema
    .createTable("enroll_secrets")
    .addColumn("secret_hash", "text", (c) => c.primaryKey())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("valid_until", "text")
    .execute();
}

/**
 * SQLite cannot drop a column's UNIQUE: the table is rebuilt (sqlite.org/lang_altertable.html, "other kinds of
 * table schema changes") from its own stored definition, so columns added by other migrations come along.
 * Foreign keys are off meanwhile, or dropping the old table would cascade into every device's rows.
 */
async function dropHardwareUniqueSqlite(db: Kysely<unknown>): Promise<void> {
  const table = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'devices'`.execute(db);
  const definition = table.rows[0]?.sql ?? "";
  const unique = /("hardware_id"\s+text\s+not null)\s+unique\b/i;
  if (!unique.test(definition)) throw new Error(`devices: expected "hardware_id" text not null unique in ${definition}`);
  const rebuilt = definition.replace(unique, "$1").replace(/^create table\s+"?devices"?/i, 'create table "devices_rebuilt"');
  const indexes = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'index' and tbl_name = 'devices' and sql is not null`.execute(db);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await sql.raw(rebuilt).execute(db);
      await sql`insert into devices_rebuilt select * from devices`.execute(db);
      await sql`drop table devices`.execute(db);
      await sql`alter table devices_rebuilt rename to devices`.execute(db);
      for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) throw new Error(`rebuilding devices broke ${broken.rows.length} foreign key(s)`);
      await sql`commit`.execute(db);
    } catch (error) {
      await sql`rollback`.execute(db);
      throw error;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

async function dropHardwareUniquePostgres(db: Kysely<unknown>): Promise<void> {
  const found = await sql<{ name: string }>`
    select c.conname as name from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.conrelid = 'devices'::regclass and c.contype = 'u' and cardinality(c.conkey) = 1 and a.attname = 'hardware_id'`.execute(db);
  for (const { name } of found.rows) await sql`alter table devices drop constraint ${sql.id(name)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("enroll_secrets").ifExists().execute();
  await db.schema.dropIndex("devices_hardware_original").ifExists().execute();
}
