// Instances with their own data dirs on one PostgreSQL: each keeps its own files, each accepts the other's, the database holds only hashes.
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { runAdminTask } from "../cli/admin-run.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { TestServer } from "../testing/harness.js";
import { tablesHolding } from "../testing/table-scan.js";

const servers: TestServer[] = [];
const databases: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all(databases.splice(0).map((d) => d.dispose()));
});

const enrollStatus = async (s: TestServer, secret: string) =>
  (await s.request("POST", "/api/v1/enroll", { body: { secret, hostname: "h", os: "linux", hardwareId: `hw-${Math.random()}` } })).status;

describe.each(TEST_DATABASES.filter((d) => d.name === "postgres"))("instance secrets on $name", (kind) => {
  it("accepts each instance's admin token and enrollment secret on both, keeps the old secrets through a rotation's grace period, and stores no plaintext", async () => {
    const database = await kind.create();
    databases.push(database);
    const [a, b] = await Promise.all([TestServer.start({ database: database.target }), TestServer.start({ database: database.target })]);
    servers.push(a, b);
    expect(a.adminToken).not.toBe(b.adminToken);
    expect(a.adminTokenName).toMatch(/^data-dir admin token \(.+:.+\)$/);
    for (const s of [a, b]) {
      for (const token of [a.adminToken, b.adminToken]) expect((await s.get("/api/v1/devices", token)).status).toBe(200);
      for (const secret of [a.enrollSecret, b.enrollSecret]) expect(await enrollStatus(s, secret)).toBe(200);
    }

    const lines: string[] = [];
    await runAdminTask({ kind: "enroll-secret-rotate", graceHours: "1" }, a.server.config, { out: (l) => lines.push(l), note: () => {} });
    expect(lines[0]).toMatch(/^enrollment secret rotated: the new one is in /);
    const rotated = (await readFile(a.server.secrets.enrollSecretPath, "utf8")).trim();
    expect([a.enrollSecret, b.enrollSecret]).not.toContain(rotated);
    // Within the grace period every secret enrolls on both instances.
    for (const s of [a, b]) for (const secret of [rotated, a.enrollSecret, b.enrollSecret]) expect(await enrollStatus(s, secret)).toBe(200);

    const store = await database.openStore();
    try {
      expect(await tablesHolding(store, [a.adminToken, b.adminToken, a.enrollSecret, b.enrollSecret, rotated])).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
