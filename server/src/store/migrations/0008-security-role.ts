// The `security` role (read, and grant or end exemptions): the tokens table's role check admits it.
import { type Kysely, sql } from "kysely";
import type { Dialect } from "../db.js";

const OLD_CHECK = /check\s*\(\s*role in \('viewer', 'admin'\)\s*\)/i;
const NEW_CHECK = "check (role in ('viewer', 'security', 'admin'))";

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === "sqlite") await rebuildSqlite(db, (definition) => definition.replace(OLD_CHECK, NEW_CHECK));
  else await replacePostgresCheck(db, ["viewer", "security", "admin"]);
}

export async function down(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await sql`update tokens set role = 'viewer' where role = 'security'`.execute(db);
  if (dialect === "sqlite")
    await rebuildSqlite(db, (definition) =>
      definition.replace(/check\s*\(\s*role in \('viewer', 'security', 'admin'\)\s*\)/i, "check (role in ('viewer', 'admin'))"),
    );
  else await replacePostgresCheck(db, ["viewer", "admin"]);
}

/** SQLite cannot alter a CHECK: the table is rebuilt from its stored definition (no foreign key points at tokens). */
async function rebuildSqlite(db: Kysely<unknown>, change: (definition: string) => string): Promise<void> {
  const table = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'tokens'`.execute(db);
  const definition = table.rows[0]?.sql ?? "";
  const changed = change(definition);
  if (changed === definition) throw new Error(`tokens: expected the role check in ${definition}`);
  const rebuilt = changed.replace(/^create table\s+"?tokens"?/i, 'create table "tokens_rebuilt"');
  const indexes = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'index' and tbl_name = 'tokens' and sql is not null`.execute(db);
  await sql`begin immediate`.execute(db);
  try {
    await sql.raw(rebuilt).execute(db);
    await sql`insert into tokens_rebuilt select * from tokens`.execute(db);
    await sql`drop table tokens`.execute(db);
    await sql`alter table tokens_rebuilt rename to tokens`.execute(db);
    for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
    await sql`commit`.execute(db);
  } catch (error) {
    await sql`rollback`.execute(db);
    throw error;
  }
}

async function replacePostgresCheck(db: Kysely<unknown>, roles: readonly string[]): Promise<void> {
  const found = await sql<{ name: string }>`
    select conname as name from pg_constraint where conrelid = 'tokens'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%role%'`.execute(
    db,
  );
  for (const { name } of found.rows) await sql`alter table tokens drop constraint ${sql.id(name)}`.execute(db);
  await sql`alter table tokens add constraint tokens_role_check check (role in (${sql.join(roles.map((r) => sql.lit(r)))}))`.execute(db);
}
