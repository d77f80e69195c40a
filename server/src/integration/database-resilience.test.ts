// The server process against a PostgreSQL that drops its connections under load: it stays up, loses nothing it acknowledged, doubles nothing.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { AGENT_CHANNEL_PATH, type EnrollResponse } from "@wegroup/shared";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TEST_DATABASES, TEST_PG_URL, type TestDatabase } from "../testing/databases.js";
import { LoadAgent } from "../testing/load-agent.js";
import { buildServer, ServerProcess } from "../testing/process.js";
import { TcpProxy } from "../testing/tcp-proxy.js";
import { until } from "../testing/wait.js";

const postgres = TEST_DATABASES.find((d) => d.name === "postgres");
if (postgres === undefined) throw new Error("no postgres test database kind");

let root: string;
let database: TestDatabase;
let server: ServerProcess | undefined;
let proxy: TcpProxy | undefined;
const agents: LoadAgent[] = [];
const admin = new pg.Client({ connectionString: TEST_PG_URL });

beforeAll(async () => {
  await buildServer();
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
});
afterEach(async () => {
  for (const a of agents.splice(0)) a.close();
  await server?.stop();
  server = undefined;
  await proxy?.close();
  proxy = undefined;
  await database?.dispose();
  await rm(root, { recursive: true, force: true });
});

/** The server's connections carry this name, so that the test cuts only them (other suites share the database). */
function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set("application_name", name);
  return u.toString();
}

/** `through`: the server reaches PostgreSQL through this proxy (so that the test can cut it off). */
async function startOnPostgres(through?: (url: URL) => Promise<void>): Promise<{ url: string; dataDir: string; appName: string }> {
  root = await mkdtemp(path.join(tmpdir(), "compliance-resilience-"));
  database = await postgres!.create();
  if (database.target.kind !== "postgres") throw new Error("expected PostgreSQL");
  const appName = `resilience-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const dataDir = path.join(root, "data");
  const dbUrl = new URL(withApplicationName(database.target.url, appName));
  await through?.(dbUrl);
  server = ServerProcess.start(["--listen", "127.0.0.1:0", "--data-dir", dataDir, "--db", dbUrl.toString()], {
    cwd: root,
    env: { COMPLIANCE_LOG_LEVEL: "warn" },
  });
  return { url: await server.listening(), dataDir, appName };
}

async function enroll(url: string, dataDir: string, n: number): Promise<EnrollResponse> {
  const secret = (await readFile(path.join(dataDir, "enroll-secret"), "utf8")).trim();
  const res = await fetch(`${url}/api/v1/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ secret, hostname: `load-${n}`, os: "linux", hardwareId: `hw-load-${n}-${Math.random()}` }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as EnrollResponse;
}

async function health(url: string): Promise<{ status: number; body: { status?: string; reason?: string } }> {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as { status?: string; reason?: string } };
}

async function healthBecomes(url: string, status: number, ms: number): Promise<{ status?: string; reason?: string }> {
  let last: Awaited<ReturnType<typeof health>> | undefined;
  await until(async () => (last = await health(url)).status === status, ms, `/healthz ${status}`);
  return last?.body ?? {};
}

async function storedReportIds(): Promise<string[]> {
  if (database.target.kind !== "postgres") throw new Error("expected PostgreSQL");
  const check = new pg.Client({ connectionString: database.target.url });
  await check.connect();
  try {
    return (await check.query<{ id: string }>("select id from reports")).rows.map((r) => r.id);
  } finally {
    await check.end();
  }
}

async function terminateServerConnections(appName: string): Promise<number> {
  const result = await admin.query<{ n: string }>(
    "select count(pg_terminate_backend(pid)) as n from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()",
    [appName],
  );
  return Number(result.rows[0]?.n ?? 0);
}

describe("PostgreSQL connections terminated under load", () => {
  it("keeps the server up, acknowledges only what is stored and stores every report once, over 20 terminations", async () => {
    const { url, dataDir, appName } = await startOnPostgres();
    const wsUrl = `${url.replace(/^http/, "ws")}${AGENT_CHANNEL_PATH}`;
    for (let i = 0; i < 6; i++) {
      const { deviceId, credential } = await enroll(url, dataDir, i);
      agents.push(await LoadAgent.connect(wsUrl, deviceId, credential, { window: 40, resendMs: 50 }));
    }
    const totalAcked = () => agents.reduce((n, a) => n + a.acked.size, 0);

    let terminated = 0;
    for (let round = 0; round < 20; round++) {
      // Each cut lands while reports are being written: wait for fresh progress first.
      const before = totalAcked();
      await until(() => totalAcked() >= before + 60 || server?.child.exitCode !== null, 20_000, `acks after cut ${round}`);
      expect(server?.child.exitCode, `server exited after ${round} cuts:\n${server?.stderr}\n${server?.stdout.slice(-3000)}`).toBeNull();
      terminated += await terminateServerConnections(appName);
    }
    for (const a of agents) a.stopProducing();
    await Promise.all(agents.map((a) => a.drained(30_000)));

    expect(server?.child.exitCode, `server exited:\n${server?.stderr}`).toBeNull();
    expect(terminated).toBeGreaterThanOrEqual(20);
    // The cuts landed on writes in progress: those reports were refused as unavailable and sent again.
    expect(agents.reduce((n, a) => n + a.transientRefusals, 0)).toBeGreaterThan(0);
    expect(agents.every((a) => a.open)).toBe(true);
    expect(agents.flatMap((a) => [...a.refusedForGood.values()])).toEqual([]);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);

    // Read what is stored with a connection of our own.
    if (database.target.kind !== "postgres") throw new Error("expected PostgreSQL");
    const check = new pg.Client({ connectionString: database.target.url });
    await check.connect();
    try {
      const stored = (await check.query<{ id: string }>("select id from reports")).rows.map((r) => r.id);
      const acked = agents.flatMap((a) => [...a.acked]);
      // Nothing acknowledged is lost, and every report that was sent ended acknowledged (refusals were transient).
      expect(new Set(stored)).toEqual(new Set(acked));
      expect(stored.length).toBe(new Set(stored).size);
      // Nothing doubled: each violation row was opened once and, if resolved, resolved once.
      const doubled = await check.query(
        "select violation_id, kind, count(*) as n from events group by violation_id, kind having count(*) > 1",
      );
      expect(doubled.rows).toEqual([]);
      const lasting = await check.query(
        "select device_id, subject, count(*) as n from violations where status in ('open', 'exempted') group by device_id, subject having count(*) > 1",
      );
      expect(lasting.rows).toEqual([]);
    } finally {
      await check.end();
    }
  }, 180_000);

  it("answers /healthz 503 with the reason while PostgreSQL is unreachable, acknowledges nothing meanwhile, and recovers by itself", async () => {
    const { url, dataDir } = await startOnPostgres(async (dbUrl) => {
      proxy = await TcpProxy.start(dbUrl.hostname, Number(dbUrl.port === "" ? 5432 : dbUrl.port));
      dbUrl.host = `127.0.0.1:${proxy.port}`;
    });
    const wsUrl = `${url.replace(/^http/, "ws")}${AGENT_CHANNEL_PATH}`;
    for (let i = 0; i < 2; i++) {
      const { deviceId, credential } = await enroll(url, dataDir, i);
      agents.push(await LoadAgent.connect(wsUrl, deviceId, credential, { window: 5, resendMs: 100 }));
    }
    const totalAcked = () => agents.reduce((n, a) => n + a.acked.size, 0);
    const refusals = () => agents.reduce((n, a) => n + a.transientRefusals, 0);
    await until(() => totalAcked() >= 20, 20_000, "acks before the outage");

    proxy?.cut();
    const down = await healthBecomes(url, 503, 15_000);
    expect(down).toMatchObject({ status: "unavailable", reason: expect.stringMatching(/database/) });
    const ackedDuringOutage = totalAcked();
    const refusedBefore = refusals();
    await until(() => refusals() >= refusedBefore + 10, 20_000, "reports refused during the outage");
    expect(totalAcked()).toBe(ackedDuringOutage);
    expect(server?.child.exitCode).toBeNull();

    proxy?.restore();
    expect(await healthBecomes(url, 200, 15_000)).toEqual({ status: "ok" });
    for (const a of agents) a.stopProducing();
    await Promise.all(agents.map((a) => a.drained(30_000)));
    expect(agents.every((a) => a.open)).toBe(true);
    expect(new Set(await storedReportIds())).toEqual(new Set(agents.flatMap((a) => [...a.acked])));
  }, 120_000);
});
