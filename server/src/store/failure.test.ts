import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "./db.js";
import { classifyStoreError } from "./failure.js";

const err = (code: string, message = "boom") => Object.assign(new Error(message), { code });

describe("classifyStoreError", () => {
  it.each<[string, unknown, string | undefined, boolean?]>([
    ["a terminated backend", err("57P01", "terminating connection due to administrator command"), "unavailable", true],
    ["a refused connection", err("ECONNREFUSED"), "unavailable", true],
    ["a connection that ended mid-query", new Error("Connection terminated unexpectedly"), "unavailable", true],
    ["a client that had failed before", new Error("Client has encountered a connection error and is not queryable"), "unavailable", true],
    ["a pool connect timeout", new Error("timeout exceeded when trying to connect"), "unavailable", true],
    ["PostgreSQL's disk full", err("53100", "could not extend file"), "unavailable", false],
    ["a deadlock", err("40P01"), "unavailable", false],
    ["SQLite's full disk", err("SQLITE_FULL", "database or disk is full"), "unavailable", false],
    ["an SQLite write error", err("SQLITE_IOERR_WRITE", "disk I/O error"), "unavailable", false],
    ["a busy SQLite", err("SQLITE_BUSY"), "unavailable", false],
    ["a NUL byte PostgreSQL refuses", err("22021", 'invalid byte sequence for encoding "UTF8": 0x00'), "refused"],
    ["an integer out of range", err("22003", 'value "2147483648" is out of range for type integer'), "refused"],
    ["an index row too large", err("54000", "index row size exceeds maximum"), "refused"],
    ["a constraint", err("23505", "duplicate key"), "refused"],
    ["an SQLite constraint", err("SQLITE_CONSTRAINT_UNIQUE"), "refused"],
    ["a bug in our code", new TypeError("cannot read properties of undefined"), undefined],
    ["a syntax error (ours too)", err("42601", "syntax error"), undefined],
  ])("%s", (_name, error, kind, probe) => {
    const failure = classifyStoreError(error);
    expect(failure?.kind).toBe(kind);
    if (failure?.kind === "unavailable") expect(failure.probe).toBe(probe);
  });

  it("names a full disk as such", () => {
    expect(classifyStoreError(err("SQLITE_FULL", "database or disk is full"))).toMatchObject({
      reason: expect.stringMatching(/^disk full: database or disk is full/),
    });
  });
});

describe("an SQLite transaction that SQLite itself rolled back", () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "compliance-failure-"));
    store = openStore({ kind: "sqlite", path: path.join(dir, "x.db") });
    await sql`create table t (v text)`.execute(store.db);
    // RAISE(ROLLBACK) ends the whole transaction inside SQLite, as SQLITE_FULL and SQLITE_IOERR do.
    await sql`create trigger t_full before insert on t when new.v = 'full' begin select raise(rollback, 'database or disk is full'); end`.execute(
      store.db,
    );
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("surfaces the error that ended it, not 'cannot rollback - no transaction is active'", async () => {
    const failing = store.db.transaction().execute(async (trx) => {
      await sql`insert into t (v) values ('fine')`.execute(trx);
      await sql`insert into t (v) values ('full')`.execute(trx);
    });
    await expect(failing).rejects.toThrow("database or disk is full");
    expect((await sql<{ n: number }>`select count(*) as n from t`.execute(store.db)).rows[0]?.n).toBe(0);
    // The connection is usable afterwards.
    await store.db.transaction().execute((trx) => sql`insert into t (v) values ('after')`.execute(trx));
    expect((await sql<{ n: number }>`select count(*) as n from t`.execute(store.db)).rows[0]?.n).toBe(1);
  });
});
