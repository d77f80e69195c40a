// `compliance-server admin …` as a real process on the server's database: tokens, export, erase, retention; SQLite and PostgreSQL.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PrivacyErased, PrivacyExport, TokenList, uuidv7 } from "@wegroup/shared";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import { queryAudit } from "../store/audit.js";
import { enrollDevice } from "../store/devices.js";
import { insertReports } from "../store/reports.js";
import { findTokenByHash } from "../store/tokens.js";
import { insertViolations } from "../store/violations.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { reportFrame } from "../testing/frames.js";
import { buildServer, SERVER_BIN } from "../testing/process.js";

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("COMPLIANCE_")) clean[k] = v;
  return new Promise((resolve) => {
    execFile(process.execPath, [SERVER_BIN, ...args], { cwd, env: { ...clean, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  await buildServer();
});

describe.each(TEST_DATABASES)("admin CLI on $name", (kind) => {
  let database: TestDatabase;
  let root: string;
  let dbArg: string;
  const admin = (...args: string[]) => cli(["admin", ...args, "--db", dbArg], root);

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "compliance-cli-"));
    database = await kind.create();
    const store = await database.openStore(); // the server's start would have made it
    await store.close();
    dbArg = database.target.kind === "sqlite" ? `sqlite:${database.target.path}` : database.target.url;
  });
  afterEach(async () => {
    await database.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it("creates a token, prints it once, lists it without it, revokes it; every act audited as cli", async () => {
    const created = await admin("tokens", "create", "--role", "viewer", "--name", "soc-dashboard");
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/created viewer token "soc-dashboard" \(id .+\); it is shown only this once/);

    const store = await database.openStore();
    try {
      const identity = await findTokenByHash(store.db, hashSecret(token));
      expect(identity).toMatchObject({ name: "soc-dashboard", role: "viewer" });

      const listed = await admin("tokens", "list", "--json");
      expect(listed.code).toBe(0);
      const items = TokenList.parse(JSON.parse(listed.stdout)).items;
      expect(items.map((t) => [t.name, t.role, t.revokedAt])).toEqual([["soc-dashboard", "viewer", null]]);
      expect(listed.stdout).not.toContain(token);
      const table = await admin("tokens", "list");
      expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+ROLE\s+CREATED\s+REVOKED$/);
      expect(table.stdout).toContain("soc-dashboard");

      const revoked = await admin("tokens", "revoke", identity?.id ?? "");
      expect(revoked).toMatchObject({ code: 0, stdout: `revoked token ${identity?.id}\n` });
      expect(await findTokenByHash(store.db, hashSecret(token))).toBeUndefined();
      const twice = await admin("tokens", "revoke", identity?.id ?? "");
      expect(twice.code).toBe(2);
      expect(twice.stderr).toContain("no live token");
      expect(twice.stderr).toContain("admin tokens list");

      const audit = await queryAudit(store.db, { limit: 10 });
      expect(audit.map((e) => [e.actor, e.action])).toEqual([
        ["cli", "token.revoke"],
        ["cli", "token.create"],
      ]);
    } finally {
      await store.close();
    }
  });

  it.each<[string, string[], RegExp]>([
    ["an unknown role", ["tokens", "create", "--role", "root", "--name", "x"], /argument 'root' is invalid/],
    ["a missing name", ["tokens", "create", "--role", "admin"], /--name/],
    ["a name too long", ["tokens", "create", "--role", "admin", "--name", "n".repeat(101)], /--name/],
    ["both --device and --user", ["export", "--device", "d", "--user", "u"], /exactly one of --device ID or --user NAME/],
    ["an unknown device", ["erase", "--device", "no-such-device"], /no device no-such-device/],
  ])("refuses %s with a message and exit code 2", async (_name, args, message) => {
    const run = await admin(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("exports and erases a device and a user, and prunes by the retention period", async () => {
    const store = await database.openStore();
    const old = new Date(Date.now() - 40 * 24 * 3600 * 1000).toISOString();
    const { deviceId } = await enrollDevice(store.db, {
      newId: uuidv7(),
      hardwareId: "hw-cli",
      hostname: "cli-host",
      os: "linux",
      credentialHash: hashSecret("c"),
      now: old,
    });
    const report = reportFrame([{ check: "usb-storage", status: "pass", violations: [] }], { observedAt: old });
    await insertReports(store.db, [
      { device_id: deviceId, id: report.id, observed_at: old, received_at: old, policy_version: 1, body: JSON.stringify(report) },
    ]);
    const now = new Date().toISOString();
    await insertViolations(store.db, [
      {
        id: uuidv7(),
        deviceId,
        check: "screen-lock",
        subject: "dave",
        rule: null,
        message: "The screen of dave never locks",
        observed: "never",
        expected: "15 min",
        status: "open",
        firstSeen: now,
        lastSeen: now,
        resolvedAt: null,
        title: null,
      },
    ]);
    await store.close();

    const outFile = path.join(root, "export.json");
    const exported = await admin("export", "--device", deviceId, "--out", outFile);
    expect(exported.code, exported.stderr).toBe(0);
    expect((await stat(outFile)).mode & 0o777).toBe(0o600);
    expect(PrivacyExport.parse(JSON.parse(await readFile(outFile, "utf8"))).device).toMatchObject({ id: deviceId, hostname: "cli-host" });
    const userDoc = PrivacyExport.parse(JSON.parse((await admin("export", "--user", "dave")).stdout));
    expect(userDoc.violations.map((v) => v.subject)).toEqual(["dave"]);

    const retention = await cli(["admin", "retention", "--json", "--db", dbArg], root, { COMPLIANCE_RETENTION_DAYS: "30" });
    expect(retention.code).toBe(0);
    expect(JSON.parse(retention.stdout)).toMatchObject({ retentionDays: 30, deleted: { reports: 1 } });
    const human = await admin("retention", "--retention-days", "365");
    expect(human.stdout).toMatch(/^retention: 365 days/);

    const erasedUser = PrivacyErased.parse(JSON.parse((await admin("erase", "--user", "dave", "--json")).stdout));
    expect(erasedUser).toMatchObject({ method: "pseudonymised", counts: { violations: 1 } });
    const erasedDevice = await admin("erase", "--device", deviceId);
    expect(erasedDevice.code).toBe(0);
    expect(erasedDevice.stdout).toMatch(new RegExp(`^erased device ${deviceId}: deleted .*devices 1`));

    const check = await database.openStore();
    try {
      expect(await check.db.selectFrom("devices").select("id").execute()).toEqual([]);
      const audit = await queryAudit(check.db, { limit: 20 });
      expect(audit.map((e) => e.action)).toEqual(["privacy.erase", "privacy.erase", "retention.prune", "privacy.export", "privacy.export"]);
      expect(audit.every((e) => e.actor === "cli")).toBe(true);
      expect(JSON.stringify(audit)).not.toMatch(/dave|cli-host/);
    } finally {
      await check.close();
    }
  });
});

describe("admin CLI without a database", () => {
  it("says where it looked and what to do, with exit code 2", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "compliance-cli-"));
    try {
      const run = await cli(["admin", "tokens", "list", "--data-dir", "nowhere"], root);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`no database at ${path.join(root, "nowhere", "compliance.db")}`);
      expect(run.stderr).toContain("start the server once");
      const bad = await cli(["admin", "retention", "--retention-days", "forever"], root);
      expect(bad).toMatchObject({ code: 2 });
      expect(bad.stderr).toContain("--retention-days");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
