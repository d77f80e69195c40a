// Opens the database (SQLite embedded, or PostgreSQL for several instances) and brings its schema up to date.
import { inspect } from "node:util";
import SqliteDatabase from "better-sqlite3";
import { CompiledQuery, type Dialect as KyselyDialect, type Driver, Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
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

export interface StoreOptions {
  /**
   * A PostgreSQL connection failed (server restart, pg_terminate_backend, network), idle or checked out:
   * the pool replaces it, and the query that used it fails (its caller sees a StoreUnavailable reason).
   */
  onConnectionError?: (error: Error) => void;
  /** SQLite only: refuse to grow the file beyond this many pages (SQLITE_FULL, as a full disk would). */
  sqliteMaxPageCount?: number;
}

export function openStore(target: DatabaseTarget, options: StoreOptions = {}): Store {
  const onConnectionError = options.onConnectionError ?? (() => {});
  if (target.kind === "sqlite") {
    const dialect = new SqliteDialect({
      database: () => {
        const database = new SqliteDatabase(target.path);
        // WAL with synchronous=FULL: a committed transaction survives a power cut, which is what an ack promises.
        database.pragma("journal_mode = WAL");
        database.pragma("synchronous = FULL");
        database.pragma("foreign_keys = ON");
        database.pragma("busy_timeout = 5000");
        // Deleted and rewritten rows are overwritten with zeros, so that an erasure leaves no copy in free space.
        database.pragma("secure_delete = ON");
        // SQLite's lower() folds ASCII only: privacy lookups of names like Ölafsdóttir fold through this instead.
        database.function("fold_text", { deterministic: true }, (value: unknown) =>
          typeof value === "string" ? value.normalize("NFC").toLowerCase() : value,
        );
        if (options.sqliteMaxPageCount !== undefined) database.pragma(`max_page_count = ${Math.floor(options.sqliteMaxPageCount)}`);
        return Promise.resolve(withStatementCache(database, 512));
      },
    });
    return storeOf(new Kysely<Database>({ dialect: new RollbackTolerantSqliteDialect(dialect) }), "sqlite");
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: 10,
    // A database that does not answer is "unavailable" after this, rather than a report waiting forever.
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    // Event ids are bigint: read them as numbers (exact up to 2^53), not strings.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === PG_INT8
          ? (value: string) => Number(value)
          : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client's error reaches the pool's listener; a checked-out client's reaches only its own
  // listeners (pg-pool removes its idle listener while the client is lent out). Without one, a backend
  // terminated mid-transaction is an uncaught 'error' event that ends the process.
  pool.on("error", onConnectionError);
  pool.on("connect", (client) => {
    client.on("error", onConnectionError);
  });
  return storeOf(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), "postgres");
}

/**
 * SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR); the ROLLBACK
 * that follows then fails with "cannot rollback - no transaction is active", and Kysely would throw that
 * instead of the error that explains it. That ROLLBACK's failure is dropped, so the cause surfaces.
 * Transactions begin IMMEDIATE (see createDriver).
 */
class RollbackTolerantSqliteDialect implements KyselyDialect {
  constructor(private readonly inner: SqliteDialect) {}
  createAdapter(): ReturnType<SqliteDialect["createAdapter"]> {
    return this.inner.createAdapter();
  }
  createIntrospector(db: Kysely<unknown>): ReturnType<SqliteDialect["createIntrospector"]> {
    return this.inner.createIntrospector(db);
  }
  createQueryCompiler(): ReturnType<SqliteDialect["createQueryCompiler"]> {
    return this.inner.createQueryCompiler();
  }
  createDriver(): Driver {
    const driver = this.inner.createDriver();
    // IMMEDIATE: a transaction takes the write lock when it begins, waiting for another connection (the ingest's writer
    // thread) within busy_timeout. A deferred one that read first would fail at once with SQLITE_BUSY on its first write
    // after the other connection committed.
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw("begin immediate"));
    };
    const rollback = driver.rollbackTransaction.bind(driver);
    driver.rollbackTransaction = async (connection) => {
      try {
        await rollback(connection);
      } catch (error) {
        if (!/no transaction is active/i.test((error as Error).message)) throw error;
      }
    };
    return driver;
  }
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
