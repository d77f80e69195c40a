// A fresh PostgreSQL schema for one bench run (as server/src/testing/databases.ts does for the tests): every
// instance gets the same URL with `options=-c search_path=<schema>`; the schema is dropped when the run ends.
import { randomBytes } from "node:crypto";
import pg from "pg";

export interface RunSchema {
  /** The --db URL for every instance of this run. */
  url: string;
  schema: string;
  drop(): Promise<void>;
}

export async function createRunSchema(dbUrl: string): Promise<RunSchema> {
  const schema = `bench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  await adminQuery(dbUrl, `create schema ${schema}`);
  const url = new URL(dbUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return { url: url.toString(), schema, drop: () => adminQuery(dbUrl, `drop schema if exists ${schema} cascade`) };
}

async function adminQuery(dbUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: dbUrl, connectionTimeoutMillis: 10_000, query_timeout: 120_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL at ${redact(dbUrl)} is not reachable: ${(error as Error).message}`);
  }
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function redact(dbUrl: string): string {
  const url = new URL(dbUrl);
  if (url.password !== "") url.password = "***";
  return url.toString();
}
