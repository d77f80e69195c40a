// Rotation on the real databases: every other enrollment secret is accepted until the grace period ends; a data dir's admin token is replaced at once.
import { uuidv7 } from "@wegroup/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryAudit } from "../store/audit.js";
import type { Store } from "../store/db.js";
import { addEnrollSecretHash } from "../store/server-secrets.js";
import { addTokenIfNew, findTokenByHash } from "../store/tokens.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { checkEnrollSecret, rotateAdminToken, rotateEnrollSecret } from "../auth/secret-rotation.js";
import { hashSecret } from "../auth/secrets.js";

const T0 = new Date(Date.UTC(2026, 0, 10, 9, 0));
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);

describe.each(TEST_DATABASES)("secret rotation on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await kind.create();
    store = await database.openStore();
    // Two instances' data dirs, each registered at its start.
    for (const secret of ["enroll-secret-of-instance-a", "enroll-secret-of-instance-b"])
      await addEnrollSecretHash(store.db, hashSecret(secret), T0.toISOString());
    for (const [dir, token] of [
      ["a", "admin-token-of-instance-a"],
      ["b", "admin-token-of-instance-b"],
    ] as const) {
      await addTokenIfNew(store.db, {
        id: uuidv7(),
        name: `data-dir admin token (host:/srv/${dir})`,
        role: "admin",
        tokenHash: hashSecret(token),
        now: T0.toISOString(),
      });
    }
  });
  afterAll(async () => {
    await store.close();
    await database.dispose();
  });

  it("accepts every instance's secret before a rotation, then the new one from the start and the others until the grace period ends", async () => {
    expect(await checkEnrollSecret(store.db, "enroll-secret-of-instance-a", hours(-1))).toBe("current");
    expect(await checkEnrollSecret(store.db, "enroll-secret-of-instance-b", hours(-1))).toBe("current");
    const rotated = await rotateEnrollSecret(store.db, { graceHours: 24, actor: "cli", now: T0 }, () => "enroll-secret-after-rotation");
    expect(rotated).toEqual({ value: "enroll-secret-after-rotation", previousValidUntil: hours(24).toISOString() });
    const table: [string, Date, string][] = [
      ["enroll-secret-after-rotation", hours(0), "current"],
      ["enroll-secret-of-instance-a", hours(0), "previous"],
      ["enroll-secret-of-instance-b", hours(23.99), "previous"],
      ["enroll-secret-of-instance-a", hours(24), "wrong"],
      ["enroll-secret-of-instance-b", hours(24), "wrong"],
      ["enroll-secret-after-rotation", hours(1_000), "current"],
      ["something-else-entirely-xxxxxxx", hours(1), "wrong"],
    ];
    for (const [presented, at, expected] of table)
      expect([presented, at.toISOString(), await checkEnrollSecret(store.db, presented, at)]).toEqual([
        presented,
        at.toISOString(),
        expected,
      ]);
    const audit = await queryAudit(store.db, { action: "enroll-secret.rotate", limit: 5 });
    expect(audit).toEqual([
      expect.objectContaining({
        actor: "cli",
        target: "enroll-secret",
        detail: { graceHours: 24, previousValidUntil: hours(24).toISOString(), ended: 2 },
      }),
    ]);
  });

  it("with no grace period refuses every earlier secret at once", async () => {
    await rotateEnrollSecret(store.db, { graceHours: 0, actor: "cli", now: hours(30) }, () => "enroll-secret-without-grace");
    expect(await checkEnrollSecret(store.db, "enroll-secret-without-grace", hours(30))).toBe("current");
    expect(await checkEnrollSecret(store.db, "enroll-secret-after-rotation", hours(30))).toBe("wrong");
  });

  it("replaces this data dir's admin token at once and leaves the other data dir's token alone", async () => {
    const rotated = await rotateAdminToken(
      store.db,
      { current: "admin-token-of-instance-a", name: "data-dir admin token (host:/srv/a)", actor: "cli", now: hours(2) },
      () => "admin-token-after-rotation",
    );
    expect(await findTokenByHash(store.db, hashSecret("admin-token-of-instance-a"))).toBeUndefined();
    expect(await findTokenByHash(store.db, hashSecret("admin-token-after-rotation"))).toEqual({
      id: rotated.id,
      name: "data-dir admin token (host:/srv/a)",
      role: "admin",
    });
    expect(await findTokenByHash(store.db, hashSecret("admin-token-of-instance-b"))).toMatchObject({
      name: "data-dir admin token (host:/srv/b)",
      role: "admin",
    });
    const audit = await queryAudit(store.db, { action: "admin-token.rotate", limit: 5 });
    expect(audit.map((a) => [a.actor, a.target, a.detail])).toEqual([["cli", `token ${rotated.id}`, { revoked: rotated.revokedId }]]);
    expect(rotated.revokedId).toEqual(expect.any(String));
  });
});
