// Rotation on the real databases: the previous enrollment secret is accepted until its grace period ends; the admin token is replaced at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryAudit } from "../store/audit.js";
import type { Store } from "../store/db.js";
import { seedOrReadSecrets } from "../store/server-secrets.js";
import { DATA_DIR_ADMIN_TOKEN_ID, findTokenByHash, seedDataDirAdminToken } from "../store/tokens.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { checkEnrollSecret, rotateAdminToken, rotateEnrollSecret } from "./secret-rotation.js";
import { hashSecret } from "./secrets.js";

const T0 = new Date(Date.UTC(2026, 0, 10, 9, 0));
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);

describe.each(TEST_DATABASES)("secret rotation on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await kind.create();
    store = await database.openStore();
    await seedOrReadSecrets(store.db, { adminToken: "admin-token-before-rotation", enrollSecret: "enroll-secret-before-rotation" }, T0.toISOString());
    await seedDataDirAdminToken(store.db, hashSecret("admin-token-before-rotation"), T0.toISOString());
  });
  afterAll(async () => {
    await store.close();
    await database.dispose();
  });

  it("accepts the previous enrollment secret until the grace period ends, and the new one from the start", async () => {
    const rotated = await rotateEnrollSecret(store.db, { graceHours: 24, actor: "cli", now: T0 }, () => "enroll-secret-after-rotation");
    expect(rotated).toEqual({ value: "enroll-secret-after-rotation", previousValidUntil: hours(24).toISOString() });
    const table: [string, Date, string][] = [
      ["enroll-secret-after-rotation", hours(0), "current"],
      ["enroll-secret-before-rotation", hours(0), "previous"],
      ["enroll-secret-before-rotation", hours(23.99), "previous"],
      ["enroll-secret-before-rotation", hours(24), "wrong"],
      ["enroll-secret-after-rotation", hours(1_000), "current"],
      ["something-else-entirely-xxxxxxx", hours(1), "wrong"],
    ];
    for (const [presented, at, expected] of table) expect([presented, at.toISOString(), await checkEnrollSecret(store.db, presented, at)]).toEqual([presented, at.toISOString(), expected]);
    const audit = await queryAudit(store.db, { action: "enroll-secret.rotate", limit: 5 });
    expect(audit).toEqual([expect.objectContaining({ actor: "cli", target: "enroll-secret", detail: { graceHours: 24, previousValidUntil: hours(24).toISOString() } })]);
  });

  it("replaces the data-dir admin token at once", async () => {
    await rotateAdminToken(store.db, { actor: "cli", now: hours(2) }, () => "admin-token-after-rotation");
    expect(await findTokenByHash(store.db, hashSecret("admin-token-before-rotation"))).toBeUndefined();
    expect(await findTokenByHash(store.db, hashSecret("admin-token-after-rotation"))).toMatchObject({ id: DATA_DIR_ADMIN_TOKEN_ID, role: "admin" });
    expect((await queryAudit(store.db, { action: "admin-token.rotate", limit: 5 })).map((a) => a.actor)).toEqual(["cli"]);
  });
});
