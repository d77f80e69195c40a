// Privacy routes and retention on the real server, once on SQLite and once on PostgreSQL; the policy push across two instances.
import { AuditPage, DEFAULT_POLICY, ErrorBody, PrivacyErased, PrivacyExport, uuidv7 } from "@wegroup/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import { storeNextPolicy } from "../policy/update.js";
import { enrollDevice } from "../store/devices.js";
import { insertReports } from "../store/reports.js";
import { recordAudit } from "../store/audit.js";
import { TestAgent } from "../testing/agent-client.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { reportFrame, usbFail } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";
import { until } from "../testing/wait.js";

const errorOf = (body: unknown) => ErrorBody.parse(body).error;
const screenLockFail = (...users: string[]) => ({
  check: "screen-lock" as const,
  status: "fail" as const,
  violations: users.map((u) => ({
    subject: u,
    message: `The screen of ${u} never locks`,
    observed: "gnome: never idle",
    expected: "locks after 15 min",
  })),
});

describe.each(TEST_DATABASES)("privacy and retention on $name", (kind) => {
  let database: TestDatabase;
  const servers: TestServer[] = [];
  const agents: TestAgent[] = [];
  const start = async () => {
    const s = await TestServer.start({ database: database.target, tuning: { enrollBurst: 1_000, enrollPerMinute: 1_000 } });
    servers.push(s);
    return s;
  };

  beforeEach(async () => {
    database = await kind.create();
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.close()));
    for (const s of servers.splice(0)) await s.stop();
    await database.dispose();
  });

  it("exports and erases a user and a device through the API, audited without the erased data", async () => {
    const server = await start();
    const { deviceId, credential } = await server.enroll("hw-priv", "alice-laptop");
    const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, {
      device: { hostname: "alice-laptop", platform: "linux", agentVersion: "1" },
    });
    agents.push(agent);
    const report = reportFrame([screenLockFail("alice", "bob"), usbFail("4C530001")]);
    agent.send(report);
    await agent.ack(report.id);

    const userDoc = PrivacyExport.parse((await server.get("/api/v1/privacy/export?user=alice")).body);
    expect(userDoc.violations.map((v) => v.subject)).toEqual(["alice"]);
    expect(JSON.stringify(userDoc)).not.toContain("bob");
    const deviceDoc = PrivacyExport.parse((await server.get(`/api/v1/privacy/export?device=${deviceId}`)).body);
    expect(deviceDoc.device).toMatchObject({ id: deviceId, hostname: "alice-laptop" });
    expect(deviceDoc.violations).toHaveLength(3);

    const erasedUser = PrivacyErased.parse(
      (await server.request("POST", "/api/v1/privacy/erase", { token: server.adminToken, body: { user: "alice" } })).body,
    );
    expect(erasedUser).toMatchObject({ method: "pseudonymised", counts: { violations: 1, events: 1, results: 1, reports: 1 } });
    const afterUser = PrivacyExport.parse((await server.get(`/api/v1/privacy/export?device=${deviceId}`)).body);
    expect(JSON.stringify(afterUser).replace(/alice-laptop/g, "")).not.toContain("alice");
    expect(afterUser.violations.map((v) => v.subject).sort()).toEqual(["4C530001", "bob", erasedUser.pseudonym].sort());

    const erasedDevice = await server.request("POST", "/api/v1/privacy/erase", { token: server.adminToken, body: { device: deviceId } });
    expect(erasedDevice.status).toBe(200);
    expect(PrivacyErased.parse(erasedDevice.body)).toMatchObject({ method: "deleted", counts: { devices: 1, reports: 1, violations: 3 } });
    expect((await agent.waitClosed()).code).toBe(4401);
    expect((await server.get(`/api/v1/devices/${deviceId}`)).status).toBe(404);
    expect((await server.get(`/api/v1/privacy/export?device=${deviceId}`)).status).toBe(404);
    const again = await TestAgent.connect(server.wsUrl);
    agents.push(again);
    again.send({
      type: "hello",
      protocol: 1,
      deviceId,
      credential,
      agentVersion: "1",
      policyVersion: 1,
      device: { hostname: "x", platform: "linux", agentVersion: "1" },
    });
    expect((await again.waitClosed()).code).toBe(4401);

    const audit = AuditPage.parse((await server.get("/api/v1/audit?action=privacy.erase")).body).items;
    expect(audit.map((e) => e.target)).toEqual([`device ${deviceId}`, `user ${erasedUser.pseudonym}`]);
    const exports = AuditPage.parse((await server.get("/api/v1/audit?action=privacy.export")).body).items;
    expect(exports).toHaveLength(3);
    expect(JSON.stringify([...audit, ...exports])).not.toMatch(/alice/);
  });

  it.each<[string, string, string]>([
    ["neither device nor user", "", "device or user"],
    ["both", "device=x&user=y", "device or user"],
    ["an empty user", "user=", "user"],
    ["an unknown parameter", "device=x&format=csv", "format"],
  ])("refuses an export query with %s, naming the field", async (_name, query, field) => {
    const server = await start();
    const answer = await server.get(`/api/v1/privacy/export?${query}`);
    expect(answer.status).toBe(400);
    expect(errorOf(answer.body).message).toContain(field);
  });

  it("prunes data older than the retention period when it starts, and audits the prune", async () => {
    const store = await database.openStore();
    const old = new Date(Date.now() - 200 * 24 * 3600 * 1000).toISOString();
    const { deviceId } = await enrollDevice(store.db, {
      newId: uuidv7(),
      hardwareId: "hw-old",
      hostname: "old",
      os: "linux",
      credentialHash: hashSecret("c"),
      now: old,
    });
    await insertReports(store.db, [
      { device_id: deviceId, id: "old", observed_at: old, received_at: old, policy_version: 1, body: "{}" },
      {
        device_id: deviceId,
        id: "fresh",
        observed_at: new Date().toISOString(),
        received_at: new Date().toISOString(),
        policy_version: 1,
        body: "{}",
      },
    ]);
    await recordAudit(store.db, { at: old, actor: "it", action: "token.create", target: "token ancient" });
    await store.close();

    const server = await start();
    const db = server.server.store.db;
    // The prune's own audit line is written last: once it is there, every table has been pruned.
    await until(
      async () => AuditPage.parse((await server.get("/api/v1/audit?action=retention.prune")).body).items.length === 1,
      10_000,
      "the prune's audit line",
    );
    expect((await db.selectFrom("reports").select("id").execute()).map((r) => r.id)).toEqual(["fresh"]);
    const lines = AuditPage.parse((await server.get("/api/v1/audit")).body).items;
    expect(lines.map((l) => l.target)).not.toContain("token ancient");
    const [prune] = AuditPage.parse((await server.get("/api/v1/audit?action=retention.prune")).body).items;
    expect(prune).toMatchObject({ actor: "server", detail: { retentionDays: 180, reports: 1, audit: 1 } });
  });

  it("catches up with a version it was not told about at its next resync", async () => {
    const server = await start();
    const { deviceId, credential } = await server.enroll("hw-resync", "resync");
    const agent = await TestAgent.hello(server.wsUrl, deviceId, credential);
    agents.push(agent);
    const { version: _v, ...doc } = DEFAULT_POLICY;
    // Written behind the server's back: no notice on the bus.
    await storeNextPolicy(server.server.store.db, { ...doc, heartbeatSeconds: 45 }, "elsewhere", new Date().toISOString());
    expect(await server.server.policyPush.resync()).toBe(1);
    expect((await agent.next("policy", (f) => f.policy.version === 2)).policy).toMatchObject({ heartbeatSeconds: 45 });
    expect(await server.server.policyPush.resync()).toBe(0);
  });
});

// Several instances share one database only on PostgreSQL: the push travels by LISTEN/NOTIFY.
describe("the policy push across instances on postgres", () => {
  let database: TestDatabase;
  const servers: TestServer[] = [];
  const agents: TestAgent[] = [];
  const start = async () => {
    const s = await TestServer.start({ database: database.target, tuning: { enrollBurst: 1_000, enrollPerMinute: 1_000 } });
    servers.push(s);
    return s;
  };
  beforeEach(async () => {
    const postgres = TEST_DATABASES.find((k) => k.name === "postgres");
    if (postgres === undefined) throw new Error("no PostgreSQL test database kind");
    database = await postgres.create();
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.close()));
    for (const s of servers.splice(0)) await s.stop();
    await database.dispose();
  });

  it("pushes a policy stored on one instance to the agents connected to another", async () => {
    const a = await start();
    const b = await start(); // b's data dir rewrote the shared admin-token row: b's token is the live one
    const { deviceId, credential } = await b.enroll("hw-cluster", "cluster-laptop");
    const agent = await TestAgent.hello(b.wsUrl, deviceId, credential);
    agents.push(agent);
    const { version: _v, ...doc } = DEFAULT_POLICY;
    const answer = await a.request("PUT", "/api/v1/policy", { token: b.adminToken, body: { ...doc, heartbeatSeconds: 30 } });
    expect(answer).toMatchObject({ status: 200, body: { version: 2 } });
    const frame = await agent.next("policy", (f) => f.policy.version === 2, 5_000);
    expect(frame.policy.heartbeatSeconds).toBe(30);
  });
});
