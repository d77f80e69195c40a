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

/** `items` cut into runs of the ROW_CHUNKS sizes, in order (e.g. 131 → 100, 25, 5, 1). */
export function* inChunks<T>(items: readonly T[]): Generator<readonly T[]> {
  let at = 0;
  for (const size of ROW_CHUNKS) {
    for (; items.length - at >= size; at += size) yield items.slice(at, at + size);
  }
}

const texts = new Map<string, string>();

/** The text `make` builds for this key, built once (the statement cache then prepares it once too). */
function cachedText(key: string, make: () => string): string {
  let text = texts.get(key);
  if (text === undefined) {
    text = make();
    texts.set(key, text);
  }
  return text;
}

/** `(?, ?, …)` for `n` values. */
const placeholders = (n: number): string => `(${Array.from({ length: n }, () => "?").join(", ")})`;

/**
 * A multi-row insert of `rows` (each the values of `head`'s columns, in order), `<head> values (…), (…) <tail>`: one
 * statement per chunk of the ROW_CHUNKS sizes, so that the statement cache holds four texts per insert, not one per
 * row count. Answers every returned row (when `tail` has a RETURNING clause).
 */
export async function insertRows<R>(db: Db, head: string, rows: readonly (readonly unknown[])[], tail = ""): Promise<R[]> {
  const out: R[] = [];
  for (const part of inChunks(rows)) {
    const columns = part[0]?.length ?? 0;
    const text = cachedText(`values\u0000${head}\u0000${columns}\u0000${part.length}\u0000${tail}`, () => {
      const row = placeholders(columns);
      return `${head} values ${part.map(() => row).join(", ")}${tail === "" ? "" : ` ${tail}`}`;
    });
    out.push(...(await runHot<R>(db, text, part.flat())).rows);
  }
  return out;
}

/**
 * The rows of `<head> where id in (?, …)` for `ids` (distinct): 100 at a time, the rest in one statement of the next
 * ROW_CHUNKS size up, padded with its last id (a repeated id in an IN list matches its row once). One round trip for
 * a few ids, and still only four texts.
 */
export async function selectWhereIdIn<R>(db: Db, head: string, ids: readonly string[]): Promise<R[]> {
  const out: R[] = [];
  const most = ROW_CHUNKS[0];
  for (let at = 0; at < ids.length; at += most) {
    const part = ids.slice(at, at + most);
    const size = [...ROW_CHUNKS].reverse().find((n) => n >= part.length) ?? most;
    const padded = [...part, ...Array<string>(size - part.length).fill(part[part.length - 1] as string)];
    const text = cachedText(`select-in\u0000${head}\u0000${size}`, () => `${head} where id in ${placeholders(size)}`);
    out.push(...(await runHot<R>(db, text, padded)).rows);
  }
  return out;
}

/** `<head> where id in (?, …)` for `ids` in chunks of the ROW_CHUNKS sizes, with `params` for the head's own placeholders first. */
export async function updateWhereIdIn(db: Db, head: string, params: readonly unknown[], ids: readonly string[]): Promise<void> {
  for (const part of inChunks(ids)) {
    const text = cachedText(`in\u0000${head}\u0000${part.length}`, () => `${head} where id in ${placeholders(part.length)}`);
    await runHot(db, text, [...params, ...part]);
  }
}

/**
 * An UPDATE … FROM (VALUES <rows>) statement: `text` holds `<rows>` where the rows go, each written as `row` (its `?`
 * per value); `rows` in chunks of the ROW_CHUNKS sizes.
 */
export async function updateFromValues(db: Db, row: string, text: string, rows: readonly (readonly unknown[])[]): Promise<void> {
  for (const part of inChunks(rows)) {
    const full = cachedText(`from\u0000${text}\u0000${row}\u0000${part.length}`, () =>
      text.replace("<rows>", part.map(() => row).join(", ")),
    );
    await runHot(db, full, part.flat());
  }
}
