// Instances with their own data dirs on one PostgreSQL keep their secret files equal to the database while they run.
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { runAdminTask } from "../cli/admin-run.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { TestServer } from "../testing/harness.js";
import { until } from "../testing/wait.js";

const servers: TestServer[] = [];
const databases: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all(databases.splice(0).map((d) => d.dispose()));
});

describe.each(TEST_DATABASES.filter((d) => d.name === "postgres"))("instance secrets on $name", (kind) => {
  it("rewrites another instance's enroll-secret file after a rotation, and the new secret enrolls on both at once", async () => {
    const database = await kind.create();
    databases.push(database);
    const a = await TestServer.start({ database: database.target, tuning: { secretsSyncMs: 100 } });
    servers.push(a);
    const b = await TestServer.start({ database: database.target, tuning: { secretsSyncMs: 100 } });
    servers.push(b);
    const fileOf = (s: TestServer) => readFile(s.server.secrets.enrollSecretPath, "utf8").then((t) => t.trim());
    expect(await fileOf(b)).toBe(await fileOf(a));

    const lines: string[] = [];
    await runAdminTask({ kind: "enroll-secret-rotate", graceHours: "0" }, a.server.config, { out: (l) => lines.push(l), note: () => {} });
    expect(lines[0]).toMatch(/^enrollment secret rotated: the new one is in /);
    const rotated = await fileOf(a);
    expect(rotated).not.toBe(a.enrollSecret);
    for (const s of [a, b]) {
      const answer = await s.request("POST", "/api/v1/enroll", { body: { secret: rotated, hostname: "h", os: "linux", hardwareId: `hw-${Math.random()}` } });
      expect(answer.status).toBe(200);
    }
    await until(async () => (await fileOf(b)) === rotated, 5_000, "instance b's enroll-secret file to be rewritten");
    expect(b.logs.some((l) => l.includes("secret file rewritten from the database"))).toBe(true);
  });
});
