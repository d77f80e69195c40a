// Every row of every table of a store, as text: proves that a secret (or erased personal data) is stored nowhere.
import { sql } from "kysely";
import type { Store } from "../store/db.js";

/** Table name → its rows as JSON; covers tables added later without listing them here. */
export async function everyTableText(store: Store): Promise<Map<string, string>> {
  const names =
    store.dialect === "sqlite"
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(store.db)
      : await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(
          store.db,
        );
  const out = new Map<string, string>();
  for (const { name } of names.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(store.db);
    out.set(name, JSON.stringify(rows.rows));
  }
  return out;
}

/** The tables whose rows contain any of these strings (empty: none does). */
export async function tablesHolding(store: Store, needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const [table, text] of await everyTableText(store)) if (needles.some((n) => text.includes(n))) found.push(table);
  return found;
}
