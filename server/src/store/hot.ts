// The ingest's hot statements: SQL text built once per shape and run as a compiled query, which skips the query
// builder's per-call cost (measured: 256 device updates in one transaction took 11.3 ms through the builder, 3.5 ms so,
// 1.5 ms as bare better-sqlite3). Kysely builds everything else.
import { CompiledQuery, type QueryResult, SqliteAdapter } from "kysely";
import type { Db } from "./schema.js";

/** Whether the connection is SQLite's (else PostgreSQL's). */
export function isSqlite(db: { getExecutor(): { readonly adapter: object } }): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

const postgresTexts = new Map<string, string>();

/** `?` placeholders (the text's own: it holds no `?` in literals) → `$1, $2…` for PostgreSQL; cached per text. */
export function postgresText(text: string): string {
  let out = postgresTexts.get(text);
  if (out === undefined) {
    let n = 0;
    out = text.replace(/\?/g, () => `$${++n}`);
    postgresTexts.set(text, out);
  }
  return out;
}

/** Runs `text` (with `?` placeholders) with `params` on `db`, inside its transaction when it is one. */
export function runHot<R>(db: Db, text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
  return db.executeQuery<R>(CompiledQuery.raw(isSqlite(db) ? text : postgresText(text), [...params]));
}

/** Rows per multi-row statement, largest first: any count is written with few statements of only these few texts. */
const ROW_CHUNKS = [100, 25, 5, 1] as const;

const valuesTexts = new Map<string, string>();

/** `<head> values (?, …), (…) <tail>` for `rows` rows of `columns` values, cached. */
function valuesText(head: string, columns: number, rows: number, tail: string): string {
  const key = `${head}\u0000${columns}\u0000${rows}\u0000${tail}`;
  let text = valuesTexts.get(key);
  if (text === undefined) {
    const row = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
    text = `${head} values ${Array.from({ length: rows }, () => row).join(", ")}${tail === "" ? "" : ` ${tail}`}`;
    valuesTexts.set(key, text);
  }
  return text;
}

/**
 * A multi-row insert of `rows` (each the values of `head`'s columns, in order): one statement per chunk, with chunk
 * sizes from ROW_CHUNKS so that the statement cache holds four texts per insert, not one per row count.
 * Answers every returned row (when `tail` has a RETURNING clause).
 */
export async function insertRows<R>(db: Db, head: string, rows: readonly (readonly unknown[])[], tail = ""): Promise<R[]> {
  const out: R[] = [];
  let at = 0;
  for (const size of ROW_CHUNKS) {
    while (rows.length - at >= size) {
      const part = rows.slice(at, at + size);
      at += size;
      const columns = part[0]?.length ?? 0;
      const result = await runHot<R>(db, valuesText(head, columns, size, tail), part.flat());
      out.push(...result.rows);
    }
  }
  return out;
}

const inTexts = new Map<string, string>();

/**
 * `<head> where id in (?, …)` for `ids`, with `params` for the head's own placeholders first: chunks of the
 * ROW_CHUNKS sizes, so that the statement cache holds four texts, not one per list length.
 */
export async function updateWhereIdIn(db: Db, head: string, params: readonly unknown[], ids: readonly string[]): Promise<void> {
  let at = 0;
  for (const size of ROW_CHUNKS) {
    while (ids.length - at >= size) {
      const key = `${head}\u0000${size}`;
      let text = inTexts.get(key);
      if (text === undefined) {
        text = `${head} where id in (${Array.from({ length: size }, () => "?").join(", ")})`;
        inTexts.set(key, text);
      }
      await runHot(db, text, [...params, ...ids.slice(at, at + size)]);
      at += size;
    }
  }
}

const fromValuesTexts = new Map<string, string>();

/**
 * An UPDATE … FROM (VALUES <rows>) statement: `text` holds `<rows>` where the rows go, each written as `row` (its `?`
 * per value); `rows` in chunks of the ROW_CHUNKS sizes, so that the statement cache holds four texts.
 */
export async function updateFromValues(db: Db, row: string, text: string, rows: readonly (readonly unknown[])[]): Promise<void> {
  let at = 0;
  for (const size of ROW_CHUNKS) {
    while (rows.length - at >= size) {
      const key = `${text}\u0000${row}\u0000${size}`;
      let full = fromValuesTexts.get(key);
      if (full === undefined) {
        full = text.replace("<rows>", Array.from({ length: size }, () => row).join(", "));
        fromValuesTexts.set(key, full);
      }
      await runHot(db, full, rows.slice(at, at + size).flat());
      at += size;
    }
  }
}
