// Migration 0005 on a database that already holds devices: nothing lost, a hardware id may repeat, deletes still cascade.
import { hashSecret } from "../auth/secrets.js";
import { Migrator, sql } from "kysely";
import { uuidv7 } from "@wegroup/shared";
import { afterEach, describe, expect, it } from "vitest";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { migrateToLatest, openStore, type Store } from "../store/db.js";
import { enrollDevice, findDevice } from "../store/devices.js";
import { insertReports } from "../store/reports.js";
import { migrationProvider } from "../store/migrations/index.js";

describe.each(TEST_DATABASES)("migration 0005 (device keys, re-enrollments, instance secrets) on $name", (kind) => {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await database?.dispose();
  });

  it("keeps every device and its rows, drops the one-device-per-hardware-id rule, and deletes still cascade", async () => {
    database = await kind.create();
    store = openStore(database.target);
    const migrator = new Migrator({
      db: store.db,
      provider: migrationProvider(store.dialect),
      ...(store.dialect === "postgres" ? { migrationTableSchema: await currentSchema(store) } : {}),
    });
    expect((await migrator.migrateTo("0004-titles-policy-sent")).error).toBeUndefined();
    const now = new Date().toISOString();
    const id = uuidv7();
    await store.db
      .insertInto("devices")
      .values({
        id,
        hardware_id: "hw-before",
        hostname: "old-laptop",
        os: "linux",
        credential_hash: hashSecret("c"),
        enrolled_at: now,
        credential_issued_at: now,
      })
      .execute();
    await insertReports(store.db, [{ device_id: id, id: uuidv7(), observed_at: now, received_at: now, policy_version: 1, body: "{}" }]);

    // Later migrations follow; these come first.
    expect((await migrateToLatest(store)).slice(0, 3)).toEqual(["0005-device-keys-secrets", "0006-erased-users", "0007-agent-runs"]);
    expect(await findDevice(store.db, id)).toMatchObject({
      hostname: "old-laptop",
      hardware_id: "hw-before",
      public_key: null,
      re_enrollment_of: null,
    });
    const again = await enrollDevice(store.db, {
      newId: uuidv7(),
      hardwareId: "hw-before",
      hostname: "x",
      os: "linux",
      credentialHash: hashSecret("d"),
      now,
    });
    expect(again.reEnrollmentOf).toBe(id);

    await store.db.deleteFrom("devices").where("id", "=", id).execute();
    const left = await store.db
      .selectFrom("reports")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("device_id", "=", id)
      .executeTakeFirst();
    expect(Number(left?.n)).toBe(0);
  });
});

async function currentSchema(store: Store): Promise<string> {
  const row = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
  return row.rows[0]?.schema ?? "public";
}
