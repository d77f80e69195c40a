// Policy over the real server: validation, versions, history, the push to connected agents (serialised once), rollout, audit.
import { AuditPage, DEFAULT_POLICY, ErrorBody, type Policy, PolicyHistory, PolicyRollout, TokenCreated } from "@wegroup/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentSession } from "../agents/registry.js";
import { TestAgent } from "../testing/agent-client.js";
import { TestServer } from "../testing/harness.js";
import { until } from "../testing/wait.js";

let server: TestServer;
const agents: TestAgent[] = [];

beforeEach(async () => {
  server = await TestServer.start({ tuning: { enrollBurst: 1_000, enrollPerMinute: 1_000 } });
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await server.stop();
});

const errorOf = (body: unknown) => ErrorBody.parse(body).error;
const put = (body: unknown, token = server.adminToken) => server.request("PUT", "/api/v1/policy", { token, body });
const currentPolicy = async (): Promise<Policy> => (await server.get("/api/v1/policy")).body as Policy;

async function token(name: string, role: "viewer" | "admin"): Promise<TokenCreated> {
  const answer = await server.request("POST", "/api/v1/tokens", { token: server.adminToken, body: { name, role } });
  expect(answer.status).toBe(201);
  return TokenCreated.parse(answer.body);
}

async function connectedAgent(hostname: string, policyVersion = 1): Promise<{ deviceId: string; agent: TestAgent }> {
  const { deviceId, credential } = await server.enroll(`hw-${hostname}`, hostname);
  const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, {
    policyVersion,
    device: { hostname, platform: "linux", agentVersion: "1.0.0" },
  });
  agents.push(agent);
  return { deviceId, agent };
}

const stricter = (p: Policy): Omit<Policy, "version"> => {
  const { version: _v, ...rest } = p;
  return {
    ...rest,
    screenLock: { ...rest.screenLock, maxIdleSeconds: 600 },
    software: { ...rest.software, deny: [...rest.software.deny, { name: "masscan-ng" }] },
  };
};

describe("GET and PUT /api/v1/policy", () => {
  it("answers the current policy with its version to a viewer", async () => {
    const viewer = await token("soc", "viewer");
    const answer = await server.get("/api/v1/policy", viewer.token);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ...DEFAULT_POLICY, version: 1 });
  });

  it("stores a new version, ignoring the body's version, and names the author and the change in the history", async () => {
    const it1 = await token("it-alice", "admin");
    const answer = await put({ ...stricter(await currentPolicy()), version: 42 }, it1.token);
    expect(answer).toMatchObject({ status: 200, body: { version: 2 } });
    const now = await currentPolicy();
    expect(now.version).toBe(2);
    expect(now.screenLock.maxIdleSeconds).toBe(600);
    expect((await put(now)).body).toEqual({ version: 3 });
    const history = PolicyHistory.parse((await server.get("/api/v1/policy/history")).body);
    expect(history.items.map((h) => [h.version, h.author, h.summary])).toEqual([
      [3, server.adminTokenName, "no changes"],
      [2, "it-alice", "screenLock.maxIdleSeconds 900→600; software.deny: +1 rule (masscan-ng)"],
      [1, "built-in default", "built-in default policy"],
    ]);
    expect((await server.get("/api/v1/policy/history?limit=1")).body).toMatchObject({ items: [{ version: 3 }] });
  });

  it.each<[string, unknown, string]>([
    [
      "a wrong type deep inside",
      { ...DEFAULT_POLICY, software: { ...DEFAULT_POLICY.software, deny: [{ name: "a" }, { name: 7 }] } },
      "software.deny[1].name",
    ],
    ["an unknown field", { ...DEFAULT_POLICY, screenLock: { maxIdleSeconds: 900, lockAfter: 3 } }, "screenLock"],
    ["a value out of range", { ...DEFAULT_POLICY, heartbeatSeconds: 1 }, "heartbeatSeconds"],
    ["a missing section", { version: 1, screenLock: {}, usbStorage: {} }, "software"],
    [
      "a rule that matches nothing",
      { ...DEFAULT_POLICY, software: { ...DEFAULT_POLICY.software, allow: [{ reason: "x" }] } },
      "software.allow[0]",
    ],
  ])("refuses %s with 400 invalid_policy naming the field, and stores nothing", async (_name, body, field) => {
    const answer = await put(body);
    expect(answer.status).toBe(400);
    const error = errorOf(answer.body);
    expect(error.code).toBe("invalid_policy");
    expect(error.message).toContain(field);
    expect((await currentPolicy()).version).toBe(1);
  });

  it("takes a document with a $schema link (as editors write it) and stores the policy without it", async () => {
    const answer = await put({ $schema: "https://wegroup.example/schemas/compliance-policy.json", ...stricter(await currentPolicy()) });
    expect(answer).toMatchObject({ status: 200, body: { version: 2 } });
    const now = (await server.get("/api/v1/policy")).body as Record<string, unknown>;
    expect(now).not.toHaveProperty("$schema");
    expect(now).toMatchObject({ version: 2, screenLock: { maxIdleSeconds: 600 } });
    expect(errorOf((await put({ $schema: 7, ...stricter(await currentPolicy()) })).body).message).toContain("$schema");
  });

  it("lets only an admin replace it", async () => {
    const viewer = await token("soc", "viewer");
    expect((await put(stricter(DEFAULT_POLICY), viewer.token)).status).toBe(403);
    expect((await server.request("PUT", "/api/v1/policy", { body: stricter(DEFAULT_POLICY) })).status).toBe(401);
    expect((await currentPolicy()).version).toBe(1);
  });
});

describe("the push to connected agents", () => {
  it("reaches a connected agent at once, and its policy-applied shows in the rollout", async () => {
    const { deviceId, agent } = await connectedAgent("laptop-1");
    await until(
      async () => PolicyRollout.parse((await server.get("/api/v1/policy/rollout")).body).versions.length > 0,
      5_000,
      "the hello to be recorded",
    );
    expect(PolicyRollout.parse((await server.get("/api/v1/policy/rollout")).body)).toEqual({
      latestVersion: 1,
      versions: [{ version: 1, devices: 1 }],
      pending: [],
      offline: [],
    });

    expect((await put(stricter(DEFAULT_POLICY))).body).toEqual({ version: 2 });
    const frame = await agent.next("policy", () => true, 2_000);
    expect(frame.policy.version).toBe(2);
    expect(frame.policy.screenLock.maxIdleSeconds).toBe(600);
    expect(PolicyRollout.parse((await server.get("/api/v1/policy/rollout")).body)).toEqual({
      latestVersion: 2,
      versions: [{ version: 1, devices: 1 }],
      pending: [{ deviceId, hostname: "laptop-1", appliedVersion: 1 }],
      offline: [],
    });

    agent.send({ type: "policy-applied", version: 2 });
    await until(
      async () => PolicyRollout.parse((await server.get("/api/v1/policy/rollout")).body).pending.length === 0,
      5_000,
      "policy-applied to show in the rollout",
    );
    expect(PolicyRollout.parse((await server.get("/api/v1/policy/rollout")).body).versions).toEqual([{ version: 2, devices: 1 }]);
  });

  it("welcomes an agent that connects later with the new version and sends it the policy", async () => {
    await put(stricter(DEFAULT_POLICY));
    const { deviceId, credential } = await server.enroll("hw-late", "late");
    const agent = await TestAgent.connect(server.wsUrl);
    agents.push(agent);
    agent.send({
      type: "hello",
      protocol: 1,
      deviceId,
      credential,
      agentVersion: "1",
      policyVersion: 1,
      device: { hostname: "late", platform: "linux", agentVersion: "1" },
    });
    expect((await agent.next("welcome")).policyVersion).toBe(2);
    expect((await agent.next("policy")).policy.version).toBe(2);
  });

  it("serialises the policy frame once and sends those same bytes to 200 connected agents", async () => {
    const fleet = await Promise.all(Array.from({ length: 200 }, (_, i) => connectedAgent(`fleet-${i}`)));
    const sent: Buffer[] = [];
    for (const { deviceId } of fleet) {
      const session = server.server.registry.get(deviceId) as AgentSession;
      const original = session.sendBytes.bind(session);
      session.sendBytes = (bytes: Buffer) => {
        sent.push(bytes);
        original(bytes);
      };
    }
    expect((await put(stricter(DEFAULT_POLICY))).body).toEqual({ version: 2 });
    const frames = await Promise.all(fleet.map(({ agent }) => agent.next("policy", () => true, 10_000)));
    expect(frames.every((f) => f.policy.version === 2)).toBe(true);
    expect(sent).toHaveLength(200);
    expect(new Set(sent).size).toBe(1);
  });
});

describe("audit", () => {
  it("records token creation and revocation with the actor's name, and a policy change", async () => {
    const it1 = await token("it-bob", "admin");
    const soc = await server.request("POST", "/api/v1/tokens", { token: it1.token, body: { name: "soc", role: "viewer" } });
    const socId = TokenCreated.parse(soc.body).id;
    expect((await server.request("DELETE", `/api/v1/tokens/${socId}`, { token: it1.token })).status).toBe(204);
    await put(stricter(DEFAULT_POLICY), it1.token);
    const page = AuditPage.parse((await server.get("/api/v1/audit")).body);
    expect(page.items.map((e) => [e.actor, e.action, e.target])).toEqual([
      ["it-bob", "policy.update", "policy v2"],
      ["it-bob", "token.revoke", `token ${socId}`],
      ["it-bob", "token.create", `token ${socId}`],
      [server.adminTokenName, "token.create", `token ${it1.id}`],
    ]);
    expect(JSON.stringify(page)).not.toContain(it1.token);
    expect(page.items[2]?.detail).toEqual({ name: "soc", role: "viewer" });
  });

  it("pages with a cursor, filters by action and since, and refuses viewers, bad cursors and unknown parameters", async () => {
    for (let i = 0; i < 5; i++) await token(`t${i}`, "viewer");
    const first = AuditPage.parse((await server.get("/api/v1/audit?limit=2")).body);
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const rest = AuditPage.parse((await server.get(`/api/v1/audit?limit=10&cursor=${first.nextCursor ?? ""}`)).body);
    expect(rest.nextCursor).toBeNull();
    expect([...first.items, ...rest.items].map((e) => e.detail?.name)).toEqual(["t4", "t3", "t2", "t1", "t0"]);
    expect(AuditPage.parse((await server.get("/api/v1/audit?action=policy.update")).body).items).toEqual([]);
    expect(
      AuditPage.parse((await server.get(`/api/v1/audit?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body)
        .items,
    ).toEqual([]);

    const viewer = await token("soc", "viewer");
    expect((await server.get("/api/v1/audit", viewer.token)).status).toBe(403);
    for (const [query, field] of [
      ["cursor=bm9wZQ", "cursor"],
      ["limit=0", "limit"],
      ["since=yesterday", "since"],
      ["actor=x", "actor"],
    ]) {
      const answer = await server.get(`/api/v1/audit?${query}`);
      expect(answer.status, query).toBe(400);
      expect(errorOf(answer.body).message, query).toContain(field);
    }
  });
});
