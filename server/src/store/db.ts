// Opens the database (SQLite embedded, or PostgreSQL for several instances) and brings its schema up to date.
import { inspect } from "node:util";
import SqliteDatabase from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import type { DatabaseTarget } from "../config.js";
import { migrationProvider } from "./migrations/index.js";
import type { Database } from "./schema.js";

export type Dialect = DatabaseTarget["kind"];

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

const PG_INT8 = 20;

type SqliteHandle = InstanceType<typeof SqliteDatabase>;
type SqliteStatement = ReturnType<SqliteHandle["prepare"]>;

/**
 * Kysely prepares every statement it runs; the ingest path runs the same few hundred statements over
 * and over. Reusing prepared statements (least recently used out first) saves SQLite's compile step.
 * A statement still being iterated (busy) is never handed out twice.
 */
export function withStatementCache(database: SqliteHandle, max: number): { close(): void; prepare(sql: string): SqliteStatement } {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(text: string): SqliteStatement {
      const cached = cache.get(text);
      if (cached !== undefined && !cached.busy) {
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = database.prepare(text);
      if (cached === undefined) {
        cache.set(text, statement);
        if (cache.size > max) cache.delete(cache.keys().next().value as string);
      }
      return statement;
    },
  };
}

/** `onPoolError`: an idle PostgreSQL connection failed (server restart, network); the pool replaces it. */
export function openStore(target: DatabaseTarget, onPoolError: (error: Error) => void = () => {}): Store {
  if (target.kind === "sqlite") {
    const dialect = new SqliteDialect({
      database: () => {
        const database = new SqliteDatabase(target.path);
        // WAL with synchronous=FULL: a committed transaction survives a power cut, which is what an ack promises.
        database.pragma("journal_mode = WAL");
        database.pragma("synchronous = FULL");
        database.pragma("foreign_keys = ON");
        database.pragma("busy_timeout = 5000");
        return Promise.resolve(withStatementCache(database, 512));
      },
    });
    return storeOf(new Kysely<Database>({ dialect }), "sqlite");
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: 10,
    // Event ids are bigint: read them as numbers (exact up to 2^53), not strings.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === PG_INT8 ? (value: string) => Number(value) : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
    },
  });
  // Without a listener, an idle client's error would be an uncaught 'error' event and end the process.
  pool.on("error", onPoolError);
  return storeOf(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), "postgres");
}

function storeOf(db: Kysely<Database>, dialect: Dialect): Store {
  return { db, dialect, close: () => db.destroy() };
}

/** Applies every pending migration; safe to run from several instances at once (the migrator locks). */
export async function migrateToLatest(store: Store): Promise<string[]> {
  // On PostgreSQL, keep the migration bookkeeping in the schema the URL selects (search_path), so that
  // several schemas in one database (test runs, tenants) do not mistake each other's tables for their own.
  let migrationTableSchema: string | undefined;
  if (store.dialect === "postgres") {
    const row = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
    migrationTableSchema = row.rows[0]?.schema;
  }
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider(store.dialect),
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`database migration ${failed ?? ""} failed: ${error instanceof Error ? error.message : inspect(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
