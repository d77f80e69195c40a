// The databases the store suite runs against: a fresh SQLite file, and a fresh schema in the real PostgreSQL.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { DatabaseTarget } from "../config.js";
import { migrateToLatest, openStore, type Store } from "../store/db.js";

/** The PostgreSQL the tests use (trust auth); override with COMPLIANCE_TEST_PG. */
export const TEST_PG_URL = process.env.COMPLIANCE_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  readonly target: DatabaseTarget;
  /** Opens a store on it (migrated), as the server would. */
  openStore(): Promise<Store>;
  dispose(): Promise<void>;
}

export interface TestDatabaseKind {
  readonly name: "sqlite" | "postgres";
  create(): Promise<TestDatabase>;
}

const sqlite: TestDatabaseKind = {
  name: "sqlite",
  async create() {
    const dir = await mkdtemp(path.join(tmpdir(), "compliance-store-"));
    const target: DatabaseTarget = { kind: "sqlite", path: path.join(dir, "test.db") };
    return {
      target,
      openStore: () => opened(target),
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

const postgres: TestDatabaseKind = {
  name: "postgres",
  async create() {
    const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery(`create schema ${schema}`);
    const url = new URL(TEST_PG_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    const target: DatabaseTarget = { kind: "postgres", url: url.toString() };
    return {
      target,
      openStore: () => opened(target),
      dispose: () => adminQuery(`drop schema if exists ${schema} cascade`),
    };
  },
};

export const TEST_DATABASES: readonly TestDatabaseKind[] = [sqlite, postgres].map((kind) => ({
  name: kind.name,
  create: () => (process.env.COMPLIANCE_TEST_TIER === "unit" ? Promise.reject(new Error(UNIT_TIER)) : kind.create()),
}));

// vitest.unit-setup.ts marks the unit tier: a test that needs a database is an integration test.
const UNIT_TIER = "a unit test may not open a database: move the test into an integration/ folder (see vitest.config.ts)";

async function opened(target: DatabaseTarget): Promise<Store> {
  const store = openStore(target);
  await migrateToLatest(store);
  return store;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${TEST_PG_URL} is not reachable (${(error as Error).message}); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
    );
  }
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
