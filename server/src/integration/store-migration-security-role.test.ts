// Migration 0008 on a database that already holds tokens: every token kept, the security role admitted, anything else still refused.
import { Migrator, sql } from "kysely";
import { uuidv7 } from "@wegroup/shared";
import { afterEach, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { migrateToLatest, openStore, type Store } from "../store/db.js";
import { migrationProvider } from "../store/migrations/index.js";
import { createToken, findTokenByHash, listTokens } from "../store/tokens.js";

describe.each(TEST_DATABASES)("migration 0008 (security role) on $name", (kind) => {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await database?.dispose();
  });

  it("keeps the viewer and admin tokens, then stores and finds a security token, and still refuses an unknown role", async () => {
    database = await kind.create();
    store = openStore(database.target);
    const schema = store.dialect === "postgres" ? { migrationTableSchema: await currentSchema(store) } : {};
    const migrator = new Migrator({ db: store.db, provider: migrationProvider(store.dialect), ...schema });
    expect((await migrator.migrateTo("0006-erased-users")).error).toBeUndefined();
    const now = new Date().toISOString();
    await createToken(store.db, { id: uuidv7(), name: "soc", role: "viewer", tokenHash: hashSecret("v"), now });
    await createToken(store.db, { id: uuidv7(), name: "it", role: "admin", tokenHash: hashSecret("a"), now });
    await expect(
      createToken(store.db, { id: uuidv7(), name: "sec", role: "security", tokenHash: hashSecret("s0"), now }),
    ).rejects.toThrow();

    expect(await migrateToLatest(store)).toContain("0008-security-role");
    // Both were created at the same instant (one `now`): their list order is not what this test is about.
    const kept = (await listTokens(store.db)).map((t) => [t.name, t.role]);
    expect(kept.sort()).toEqual([
      ["it", "admin"],
      ["soc", "viewer"],
    ]);
    await createToken(store.db, { id: uuidv7(), name: "Dana Weiss", role: "security", tokenHash: hashSecret("s"), now });
    expect(await findTokenByHash(store.db, hashSecret("s"))).toMatchObject({ name: "Dana Weiss", role: "security" });
    expect(await findTokenByHash(store.db, hashSecret("a"))).toMatchObject({ name: "it", role: "admin" });
    await expect(
      sql`insert into tokens (id, name, role, token_hash, created_at) values (${uuidv7()}, 'x', 'root', 'h-root', ${now})`.execute(
        store.db,
      ),
    ).rejects.toThrow();
  });
});

async function currentSchema(store: Store): Promise<string> {
  const row = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
  return row.rows[0]?.schema ?? "public";
}
