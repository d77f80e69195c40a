// Queries for the privacy export and erasure: every row of one device, the rows that may name one user, and their rewrites.
import { type Expression, type SqlBool, sql } from "kysely";
import type { Dialect, Store } from "./db.js";
import type { Db } from "./schema.js";

/** Tables that hold data about devices or users, in the order an erasure deletes them (children first). */
export type PrivacyTable = "exemptions" | "events" | "violations" | "check_states" | "reports" | "devices";

/**
 * The columns of a table in the schema this store works in, or undefined when it does not exist: the
 * exemptions table comes from a later migration and is handled when present.
 */
export async function tableColumns(store: Store, db: Db, table: string): Promise<string[] | undefined> {
  if (store.dialect === "sqlite") {
    const rows = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
    return rows.rows.length === 0 ? undefined : rows.rows.map((r) => r.name);
  }
  const rows = await sql<{ column_name: string }>`
    select column_name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(db);
  return rows.rows.length === 0 ? undefined : rows.rows.map((r) => r.column_name);
}

/**
 * Case-insensitive "contains" for a coarse prefilter; the caller decides exactly in code. SQLite's lower()
 * folds ASCII only (Ö stays Ö), so there the column goes through fold_text() (NFC, full lower case; see
 * db.ts); PostgreSQL's lower() folds by the database's UTF-8 ctype. `needle` comes lower-cased.
 */
export function containsText(dialect: Dialect, column: string, needle: string): Expression<SqlBool> {
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const folded = dialect === "sqlite" ? sql`fold_text(${sql.ref(column)})` : sql`lower(${sql.ref(column)})`;
  return sql<SqlBool>`${folded} like ${pattern} escape '\\'`;
}

export function anyContains(dialect: Dialect, columns: readonly string[], needles: readonly string[]): Expression<SqlBool> {
  const parts = columns.flatMap((c) => needles.map((n) => containsText(dialect, c, n)));
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

export type Row = Record<string, unknown>;

/** Rows of a table whose `column` equals `value`, raw. */
export async function rowsWhere(db: Db, table: string, column: string, value: string, orderBy: string): Promise<Row[]> {
  const result = await sql<Row>`select * from ${sql.table(table)} where ${sql.ref(column)} = ${value} order by ${sql.ref(orderBy)}`.execute(db);
  return result.rows;
}

/** Rows of a table where any of `columns` may contain any of `needles` (coarse, case-folded; filter exactly afterwards). */
export async function rowsMentioning(dialect: Dialect, db: Db, table: string, columns: readonly string[], needles: readonly string[], orderBy: string): Promise<Row[]> {
  const result = await sql<Row>`select * from ${sql.table(table)} where ${anyContains(dialect, columns, needles)} order by ${sql.ref(orderBy)}`.execute(db);
  return result.rows;
}

export async function deleteWhere(db: Db, table: string, column: string, value: string): Promise<number> {
  const result = await sql`delete from ${sql.table(table)} where ${sql.ref(column)} = ${value}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Sets `values` on the row(s) matching `key`. */
export async function updateRow(db: Db, table: string, key: Record<string, unknown>, values: Record<string, unknown>): Promise<void> {
  const set = sql.join(Object.entries(values).map(([c, v]) => sql`${sql.ref(c)} = ${v}`));
  const where = sql.join(
    Object.entries(key).map(([c, v]) => sql`${sql.ref(c)} = ${v}`),
    sql` and `,
  );
  await sql`update ${sql.table(table)} set ${set} where ${where}`.execute(db);
}
