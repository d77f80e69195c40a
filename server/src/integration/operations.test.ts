// The real binary as an operator runs it: transport refusal, stdout as JSON lines only, instances with their own data dirs on one PostgreSQL, enroll-secret rotation.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { AGENT_CHANNEL_PATH, AuditPage, type EnrollResponse } from "@wegroup/shared";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { hashSecret } from "../auth/secrets.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { reportFrame, usbPass } from "../testing/frames.js";
import { buildServer, SERVER_BIN, ServerProcess } from "../testing/process.js";
import { tablesHolding } from "../testing/table-scan.js";
import { until, withTimeout } from "../testing/wait.js";

let root: string;
const running: ServerProcess[] = [];
const agents: TestAgent[] = [];
const databases: TestDatabase[] = [];
const start = (args: string[], env: Record<string, string> = {}) => {
  const p = ServerProcess.start(args, { cwd: root, env });
  running.push(p);
  return p;
};
const secretOf = async (dataDir: string, name: "admin-token" | "enroll-secret") =>
  (await readFile(path.join(dataDir, name), "utf8")).trim();

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("COMPLIANCE_")) clean[k] = v;
  return new Promise((resolve) => {
    execFile(process.execPath, [SERVER_BIN, ...args], { cwd: root, env: clean }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

async function enrollStatus(url: string, secret: string, hardwareId = `hw-${Math.random()}`): Promise<number> {
  const res = await fetch(`${url}/api/v1/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ secret, hostname: "ops-host", os: "linux", hardwareId }),
  });
  await res.text();
  return res.status;
}

async function enroll(url: string, secret: string): Promise<EnrollResponse> {
  const res = await fetch(`${url}/api/v1/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ secret, hostname: "ops-host", os: "linux", hardwareId: `hw-${Math.random()}` }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as EnrollResponse;
}

async function devicesStatus(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/devices`, { headers: { authorization: `Bearer ${token}` } });
  await res.text();
  return res.status;
}

beforeAll(async () => {
  await buildServer();
});
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "compliance-ops-"));
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await Promise.all(running.splice(0).map((p) => p.stop()));
  await Promise.all(databases.splice(0).map((d) => d.dispose()));
  await rm(root, { recursive: true, force: true });
});

describe("transport", () => {
  it("refuses to serve plain HTTP on a non-loopback address, naming --allow-insecure-http (exit 2)", async () => {
    const p = start(["--listen", "0.0.0.0:0", "--data-dir", path.join(root, "d")]);
    expect(await withTimeout(p.exited, 10_000, "exit")).toBe(2);
    expect(p.stderr).toMatch(/refusing to serve plain HTTP on 0\.0\.0\.0, which is not a loopback address.*--allow-insecure-http/);
  });

  it("serves plain HTTP off loopback with --allow-insecure-http, and warns in its log", async () => {
    const p = start(["--listen", "0.0.0.0:0", "--data-dir", path.join(root, "d"), "--allow-insecure-http"]);
    const url = await p.listening();
    const health = await fetch(`${url.replace("0.0.0.0", "127.0.0.1")}/healthz`);
    expect(health.status).toBe(200);
    expect(p.logLines().some((l) => l.includes("serving plain HTTP off loopback"))).toBe(true);
  });
});

describe("logs", () => {
  it("writes only JSON lines to stdout; the lines for a person (where the admin token and the dashboard are) go to stderr", async () => {
    const dataDir = path.join(root, "data");
    const p = start(["--listen", "127.0.0.1:0", "--data-dir", dataDir]);
    const url = await p.listening();
    expect(await devicesStatus(url, "wrong-token-value")).toBe(401);
    expect(await p.stop()).toBe(0);
    const lines = p.logLines();
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(p.stderr).toContain(`compliance-server listening on ${url}`);
    expect(p.stderr).toContain(path.join(dataDir, "admin-token"));
    expect(p.stderr).toContain(`dashboard: ${url}/`);
  });
});

describe("enroll-secret rotate", () => {
  it("writes a new secret (0600), keeps the old one valid for the grace period, disturbs no enrolled agent, and is audited", async () => {
    const dataDir = path.join(root, "data");
    const p = start(["--listen", "127.0.0.1:0", "--data-dir", dataDir]);
    const url = await p.listening();
    const original = await secretOf(dataDir, "enroll-secret");
    const { deviceId, credential } = await enroll(url, original);
    const agent = await TestAgent.hello(`${url.replace(/^http/, "ws")}${AGENT_CHANNEL_PATH}`, deviceId, credential);
    agents.push(agent);

    const rotated = await cli(["admin", "enroll-secret", "rotate", "--data-dir", dataDir]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain(`the new one is in ${path.join(dataDir, "enroll-secret")} (mode 0600)`);
    expect(rotated.stderr).toMatch(/the previous secret is still accepted until \d{4}-\d\d-\d\dT/);
    const second = await secretOf(dataDir, "enroll-secret");
    expect(second).not.toBe(original);
    expect((await stat(path.join(dataDir, "enroll-secret"))).mode & 0o777).toBe(0o600);
    expect(rotated.stdout + rotated.stderr).not.toContain(second);
    expect(await enrollStatus(url, second)).toBe(200);
    expect(await enrollStatus(url, original)).toBe(200); // within the default 24 h

    const report = reportFrame([usbPass()]);
    agent.send(report);
    await agent.ack(report.id);

    const again = await cli(["admin", "enroll-secret", "rotate", "--grace-hours", "0", "--data-dir", dataDir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/the previous secret is refused from now on/);
    const third = await secretOf(dataDir, "enroll-secret");
    expect(await enrollStatus(url, second)).toBe(401);
    expect(await enrollStatus(url, original)).toBe(401);
    expect(await enrollStatus(url, third)).toBe(200);

    const token = await secretOf(dataDir, "admin-token");
    const audit = await fetch(`${url}/api/v1/audit?action=enroll-secret.rotate`, { headers: { authorization: `Bearer ${token}` } });
    const entries = AuditPage.parse(await audit.json()).items;
    expect(entries.map((e) => [e.actor, e.detail?.graceHours])).toEqual([
      ["cli", 0],
      ["cli", 24],
    ]);
    expect(JSON.stringify(entries)).not.toContain(second);
  });

  it("refuses a --grace-hours that is not a whole number of hours", async () => {
    const dataDir = path.join(root, "data");
    const p = start(["--listen", "127.0.0.1:0", "--data-dir", dataDir]);
    await p.listening();
    const r = await cli(["admin", "enroll-secret", "rotate", "--grace-hours", "soon", "--data-dir", dataDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--grace-hours: expected a whole number of hours from 0 to 8760, got "soon"/);
  });
});

describe.each(TEST_DATABASES.filter((d) => d.name === "postgres"))("instances with their own data dirs on one $name", (kind) => {
  it("each keep their own admin token and enrollment secret, accept each other's, and the database holds neither in plain text", async () => {
    const database = await kind.create();
    databases.push(database);
    if (database.target.kind !== "postgres") throw new Error("expected PostgreSQL");
    const dirA = path.join(root, "a");
    const dirB = path.join(root, "b");
    const args = (dir: string) => [
      "--listen",
      "127.0.0.1:0",
      "--data-dir",
      dir,
      "--db",
      database.target.kind === "postgres" ? database.target.url : "",
    ];
    // Both first starts at once: each makes its own files and adds their hashes.
    const a = start(args(dirA));
    const b = start(args(dirB));
    const [, urlB] = await Promise.all([a.listening(), b.listening()]);
    const tokenA = await secretOf(dirA, "admin-token");
    const tokenB = await secretOf(dirB, "admin-token");
    const secretA = await secretOf(dirA, "enroll-secret");
    const secretB = await secretOf(dirB, "enroll-secret");
    expect(tokenB).not.toBe(tokenA);
    expect(secretB).not.toBe(secretA);
    for (const dir of [dirA, dirB])
      for (const name of ["admin-token", "enroll-secret"]) expect((await stat(path.join(dir, name))).mode & 0o777).toBe(0o600);

    // Restarting one changes nothing for the other, and its own files are reused.
    await a.stop();
    const a2 = start(args(dirA));
    const urlA2 = await a2.listening();
    expect(await secretOf(dirA, "admin-token")).toBe(tokenA);
    expect(await secretOf(dirA, "enroll-secret")).toBe(secretA);
    for (const url of [urlA2, urlB]) {
      for (const token of [tokenA, tokenB]) expect(await devicesStatus(url, token)).toBe(200);
      for (const secret of [secretA, secretB]) expect(await enrollStatus(url, secret)).toBe(200);
    }
    // A third instance with an old data dir (made against its own SQLite) keeps its files; their hashes are added.
    const dirC = path.join(root, "c");
    const seeded = start(["--listen", "127.0.0.1:0", "--data-dir", dirC]);
    await seeded.listening();
    await seeded.stop();
    const tokenC = await secretOf(dirC, "admin-token");
    const secretC = await secretOf(dirC, "enroll-secret");
    const c = start(args(dirC));
    const urlC = await c.listening();
    expect(await secretOf(dirC, "admin-token")).toBe(tokenC);
    expect(await devicesStatus(urlC, tokenA)).toBe(200);
    expect(await devicesStatus(urlB, tokenC)).toBe(200);
    expect(await enrollStatus(urlA2, secretC)).toBe(200);
    await until(() => c.logLines().some((l) => l.includes("secret file's hash added to the database")), 5_000, "the registration log line");

    // Rotating B's admin token ends only B's.
    const rotated = await cli(["admin", "admin-token", "rotate", "--data-dir", dirB, "--db", database.target.url]);
    expect(rotated.code, rotated.stderr).toBe(0);
    const tokenB2 = await secretOf(dirB, "admin-token");
    expect(await devicesStatus(urlA2, tokenB)).toBe(401);
    for (const token of [tokenA, tokenB2, tokenC]) expect(await devicesStatus(urlA2, token)).toBe(200);

    const store = await database.openStore();
    try {
      expect(await tablesHolding(store, [tokenA, tokenB, tokenB2, tokenC, secretA, secretB, secretC])).toEqual([]);
      expect(await tablesHolding(store, [hashSecret(tokenB2)])).toEqual(["tokens"]);
    } finally {
      await store.close();
    }
  });
});
