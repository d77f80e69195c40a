// Data dirs against one database that holds only hashes: each instance keeps its files, the database accepts all of them.
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSecretFile } from "../data-dir.js";
import type { Store } from "../store/db.js";
import { findAnyTokenByHash, findTokenByHash, revokeToken } from "../store/tokens.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { tablesHolding } from "../testing/table-scan.js";
import { dataDirTokenName, reconcileDataDir } from "../auth/instance-secrets.js";
import { checkEnrollSecret, rotateEnrollSecret } from "../auth/secret-rotation.js";
import { hashSecret } from "../auth/secrets.js";

const T0 = new Date(Date.UTC(2026, 1, 1, 8, 0));
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);
const fileText = async (file: string) => (await readFile(file, "utf8")).trim();

describe.each(TEST_DATABASES)("data-dir secrets on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  let root: string;
  beforeAll(async () => {
    database = await kind.create();
    store = await database.openStore();
    root = await mkdtemp(path.join(tmpdir(), "compliance-secrets-"));
  });
  afterAll(async () => {
    await store.close();
    await database.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it("gives each data dir its own token and secret, both accepted, and stores neither in plain text", async () => {
    const [dirA, dirB] = [path.join(root, "a"), path.join(root, "b")];
    const [a, b] = await Promise.all([
      reconcileDataDir(store.db, dirA, T0.toISOString()),
      reconcileDataDir(store.db, dirB, T0.toISOString()),
    ]);
    expect(a.adminToken).not.toBe(b.adminToken);
    expect(a.enrollSecret).not.toBe(b.enrollSecret);
    for (const [s, dir] of [
      [a, dirA],
      [b, dirB],
    ] as const) {
      expect(s.registered).toEqual([s.adminTokenPath, s.enrollSecretPath]);
      expect(await findTokenByHash(store.db, hashSecret(s.adminToken))).toMatchObject({ name: dataDirTokenName(dir), role: "admin" });
      expect(s.adminTokenName).toBe(dataDirTokenName(dir));
      expect(await checkEnrollSecret(store.db, s.enrollSecret, at(1))).toBe("current");
      for (const file of [s.adminTokenPath, s.enrollSecretPath]) expect((await stat(file)).mode & 0o777).toBe(0o600);
    }
    const again = await reconcileDataDir(store.db, dirA, at(1).toISOString());
    expect([again.adminToken, again.enrollSecret, again.registered, again.replaced]).toEqual([a.adminToken, a.enrollSecret, [], []]);

    const plaintexts = [a.adminToken, a.enrollSecret, b.adminToken, b.enrollSecret];
    expect(await tablesHolding(store, plaintexts)).toEqual([]);
    // The scan does read every table: the hashes are found where they belong.
    expect(await tablesHolding(store, [hashSecret(a.adminToken)])).toEqual(["tokens"]);
    expect(await tablesHolding(store, [hashSecret(b.enrollSecret)])).toEqual(["enroll_secrets"]);
  });

  it("adds the hashes of a data dir the database never knew and keeps its files", async () => {
    const dir = path.join(root, "old");
    const files = { adminTokenPath: path.join(dir, "admin-token"), enrollSecretPath: path.join(dir, "enroll-secret") };
    await mkdir(dir, { mode: 0o700 });
    await writeSecretFile(files.adminTokenPath, "old-admin-token-from-another-database");
    await writeSecretFile(files.enrollSecretPath, "old-enroll-secret-from-another-database");
    const s = await reconcileDataDir(store.db, dir, T0.toISOString());
    expect([s.adminToken, s.enrollSecret, s.registered, s.replaced]).toEqual([
      "old-admin-token-from-another-database",
      "old-enroll-secret-from-another-database",
      [files.adminTokenPath, files.enrollSecretPath],
      [],
    ]);
    expect((await findTokenByHash(store.db, hashSecret(s.adminToken)))?.role).toBe("admin");
    expect(await checkEnrollSecret(store.db, s.enrollSecret, at(1))).toBe("current");
  });

  it("replaces a revoked token and an expired secret instead of reviving them", async () => {
    const dir = path.join(root, "stale");
    const before = await reconcileDataDir(store.db, dir, T0.toISOString());
    const old = await findAnyTokenByHash(store.db, hashSecret(before.adminToken));
    await revokeToken(store.db, old?.id ?? "", at(1).toISOString());
    await rotateEnrollSecret(store.db, { graceHours: 1, actor: "cli", now: at(1) });
    const within = await reconcileDataDir(store.db, dir, at(1.5).toISOString());
    expect(within.enrollSecret).toBe(before.enrollSecret); // still in its grace period
    expect(within.replaced).toEqual([before.adminTokenPath]);
    const after = await reconcileDataDir(store.db, dir, at(3).toISOString());
    expect(after.replaced).toEqual([before.enrollSecretPath]);
    expect(after.enrollSecret).not.toBe(before.enrollSecret);
    expect(await fileText(before.enrollSecretPath)).toBe(after.enrollSecret);
    expect(await fileText(before.adminTokenPath)).toBe(within.adminToken);
    expect(within.adminToken).not.toBe(before.adminToken);
    expect(await findTokenByHash(store.db, hashSecret(before.adminToken))).toBeUndefined();
    expect(await findTokenByHash(store.db, hashSecret(after.adminToken))).toMatchObject({ role: "admin" });
    expect(await checkEnrollSecret(store.db, before.enrollSecret, at(3))).toBe("wrong");
    expect(await checkEnrollSecret(store.db, after.enrollSecret, at(3))).toBe("current");
    for (const file of [before.adminTokenPath, before.enrollSecretPath]) expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
