// Two real server processes on one PostgreSQL database: the live feed of each shows what the other ingested, agent-silent is raised once, a policy PUT reaches agents of both.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { AGENT_CHANNEL_PATH, type EnrollResponse, type Policy, ViolationPage } from "@wegroup/shared";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { FeedClient } from "../testing/feed-client.js";
import { reportFrame, usbFail, usbPass } from "../testing/frames.js";
import { findDevice } from "../store/devices.js";
import { buildServer, ServerProcess } from "../testing/process.js";
import { until } from "../testing/wait.js";

const postgres = TEST_DATABASES.find((d) => d.name === "postgres");
if (postgres === undefined) throw new Error("no postgres test database");

let database: TestDatabase;
let root: string;
const running: ServerProcess[] = [];
const agents: TestAgent[] = [];
const feeds: FeedClient[] = [];

beforeAll(async () => {
  await buildServer();
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await Promise.all(running.splice(0).map((p) => p.stop()));
  for (const f of feeds.splice(0)) f.close();
  await database?.dispose();
  await rm(root, { recursive: true, force: true });
});

interface Instance {
  process: ServerProcess;
  url: string;
  wsUrl: string;
}

/** Two instances on a fresh schema, sharing one data dir (so one admin token and one enrollment secret). */
async function twoInstances(): Promise<{ a: Instance; b: Instance; token: string; secret: string }> {
  database = await postgres!.create();
  root = await mkdtemp(path.join(tmpdir(), "compliance-instances-"));
  if (database.target.kind !== "postgres") throw new Error("expected PostgreSQL");
  const dataDir = path.join(root, "data");
  const args = ["--listen", "127.0.0.1:0", "--data-dir", dataDir, "--db", database.target.url, "--log-level", "debug"];
  const processes = [ServerProcess.start(args, { cwd: root }), ServerProcess.start(args, { cwd: root })];
  running.push(...processes);
  const [a, b] = await Promise.all(
    processes.map(async (p): Promise<Instance> => {
      const url = await p.listening();
      return { process: p, url, wsUrl: `${url.replace(/^http/, "ws")}${AGENT_CHANNEL_PATH}` };
    }),
  );
  if (a === undefined || b === undefined) throw new Error("two instances expected");
  const token = (await readFile(path.join(dataDir, "admin-token"), "utf8")).trim();
  const secret = (await readFile(path.join(dataDir, "enroll-secret"), "utf8")).trim();
  return { a, b, token, secret };
}

async function enroll(at: Instance, secret: string, hostname: string): Promise<EnrollResponse> {
  const res = await fetch(`${at.url}/api/v1/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ secret, hostname, os: "linux", hardwareId: `hw-${hostname}` }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as EnrollResponse;
}

async function connect(
  at: Instance,
  secret: string,
  hostname: string,
  policyVersion = 1,
): Promise<{ deviceId: string; credential: string; agent: TestAgent }> {
  const { deviceId, credential } = await enroll(at, secret, hostname);
  const agent = await TestAgent.hello(at.wsUrl, deviceId, credential, {
    policyVersion,
    device: { hostname, platform: "linux", agentVersion: "1.0.0" },
  });
  agents.push(agent);
  return { deviceId, credential, agent };
}

async function openFeed(at: Instance, token: string): Promise<FeedClient> {
  const feed = new FeedClient(at.url, { token });
  feeds.push(feed);
  await feed.opened();
  return feed;
}

const api = async (at: Instance, token: string, route: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> => {
  const res = await fetch(`${at.url}${route}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      ...(init.headers as Record<string, string> | undefined),
    },
  });
  return { status: res.status, body: await res.json().catch(() => null) };
};

/** The time of the last "agent-silent sweep" debug line of a process. */
function lastSweepAt(p: ServerProcess): number {
  const times = p.stdout
    .split("\n")
    .filter((l) => l.includes('"msg":"agent-silent sweep"'))
    .map((l) => (JSON.parse(l) as { time: number }).time);
  return times.at(-1) ?? 0;
}

describe("two compliance-server processes on one PostgreSQL database", () => {
  it("shows on the feed of each instance the violations ingested by the other, in order and once", async () => {
    const { a, b, token, secret } = await twoInstances();
    const [feedA, feedB] = [await openFeed(a, token), await openFeed(b, token)];
    const atA = await connect(a, secret, "laptop-on-a");
    const atB = await connect(b, secret, "laptop-on-b");
    for (const [agent, serial] of [
      [atB.agent, "ON-B-1"],
      [atA.agent, "ON-A-1"],
      [atB.agent, "ON-B-2"],
    ] as const) {
      const report = reportFrame([usbFail(serial)]);
      agent.send(report);
      await agent.ack(report.id);
    }
    // B's second report no longer lists ON-B-1: that resolves it.
    await Promise.all([feedA.waitForCount(4, 15_000), feedB.waitForCount(4, 15_000)]);
    for (const feed of [feedA, feedB]) {
      expect(feed.events.map((e) => `${e.violation.subject}:${e.violation.status}`)).toEqual([
        "ON-B-1:open",
        "ON-A-1:open",
        "ON-B-1:resolved",
        "ON-B-2:open",
      ]);
      expect(feed.events.map((e) => e.seq)).toEqual([...feed.events.map((e) => e.seq)].sort((x, y) => x - y));
    }
    expect(feedA.events.map((e) => e.seq)).toEqual(feedB.events.map((e) => e.seq));
  }, 60_000);

  it("pushes a policy PUT on one instance to an agent connected to the other, and raises agent-silent once when that agent stops", async () => {
    const { a, b, token, secret } = await twoInstances();
    const [feedA, feedB] = [await openFeed(a, token), await openFeed(b, token)];
    const { deviceId, credential, agent } = await connect(b, secret, "stopping-laptop");

    // IT shortens the heartbeat on A; B's agent gets the new policy at once (through LISTEN/NOTIFY).
    const current = (await api(a, token, "/api/v1/policy")).body as Policy;
    const put = await api(a, token, "/api/v1/policy", { method: "PUT", body: JSON.stringify({ ...current, heartbeatSeconds: 5 }) });
    expect(put).toMatchObject({ status: 200, body: { version: 2 } });
    const pushed = await agent.next("policy", (f) => f.policy.version === 2, 10_000);
    expect(pushed.policy.heartbeatSeconds).toBe(5);
    agent.send({ type: "policy-applied", version: 2 });

    // The agent's service stops: goodbye, then the connection ends. Both instances watch; one raises it.
    agent.send({ type: "goodbye", reason: "service-stop" });
    await agent.close();
    const isSilent = (e: { violation: { check: string; deviceId: string } }) =>
      e.violation.check === "agent-silent" && e.violation.deviceId === deviceId;
    const [onA, onB] = await Promise.all([
      feedA.waitFor(isSilent, 40_000, "agent-silent on A"),
      feedB.waitFor(isSilent, 40_000, "agent-silent on B"),
    ]);
    expect(onA.violation).toMatchObject({ status: "open", message: "agent stopped on the device", subject: "agent" });
    expect(onB.seq).toBe(onA.seq);
    // Wait until both instances have swept again after it was raised: neither raised a second one.
    const raisedAt = Date.now();
    await until(() => lastSweepAt(a.process) > raisedAt && lastSweepAt(b.process) > raisedAt, 15_000, "a later sweep on both instances");
    expect(feedA.events.filter(isSilent)).toHaveLength(1);
    expect(feedB.events.filter(isSilent)).toHaveLength(1);
    const rows = ViolationPage.parse(
      (await api(a, token, `/api/v1/violations?status=all&check=agent-silent&device=${deviceId}`)).body,
    ).items;
    expect(rows.map((r) => r.status)).toEqual(["open"]);

    // Back on the other instance: resolved, on both feeds.
    const back = await TestAgent.hello(a.wsUrl, deviceId, credential, { policyVersion: 2 });
    agents.push(back);
    const resolved = (e: { violation: { check: string; status: string } }) =>
      e.violation.check === "agent-silent" && e.violation.status === "resolved";
    await Promise.all([feedA.waitFor(resolved, 15_000), feedB.waitFor(resolved, 15_000)]);
  }, 90_000);

  it("after a PUT on one instance, ignores on the other a report its agent judged by the older policy, and records what was sent", async () => {
    const { a, b, token, secret } = await twoInstances();
    const feedA = await openFeed(a, token);
    const { deviceId, agent } = await connect(b, secret, "judged-on-b");
    const first = reportFrame([usbFail("B-STICK")], { policyVersion: 1 });
    agent.send(first);
    await agent.ack(first.id);
    await feedA.waitForCount(1, 15_000);

    const current = (await api(a, token, "/api/v1/policy")).body as Policy;
    expect(
      await api(a, token, "/api/v1/policy", { method: "PUT", body: JSON.stringify({ ...current, heartbeatSeconds: 30 }) }),
    ).toMatchObject({ status: 200, body: { version: 2 } });
    await agent.next("policy", (f) => f.policy.version === 2, 10_000);
    // B recorded on the device row that it sent version 2 (any instance reads it there).
    const store = await database.openStore();
    try {
      await until(
        async () => (await findDevice(store.db, deviceId))?.policy_sent_version === 2,
        10_000,
        "policy_sent_version 2 on the device row",
      );
    } finally {
      await store.close();
    }

    const stale = reportFrame([usbPass()], { policyVersion: 1 });
    agent.send(stale);
    await agent.ack(stale.id);
    const rejudged = reportFrame([usbFail("B-STICK", "B-OTHER")], { policyVersion: 2 });
    agent.send(rejudged);
    await agent.ack(rejudged.id);
    await feedA.waitForCount(2, 15_000);
    expect(feedA.events.map((e) => `${e.violation.subject}:${e.violation.status}`)).toEqual(["B-STICK:open", "B-OTHER:open"]);
  }, 60_000);
});
