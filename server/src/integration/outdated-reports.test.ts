// Evaluation follows the server's policy: over the real server, a report judged by an older policy than the device has been sent is stored and acknowledged, and changes nothing.
import { type ReportFrame, ViolationPage } from "@wegroup/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { FeedClient } from "../testing/feed-client.js";
import { reportFrame, usbFail, usbPass } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";
import { findDevice } from "../store/devices.js";
import { countReports } from "../store/reports.js";

let server: TestServer;
let feed: FeedClient;
const agents: TestAgent[] = [];

beforeEach(async () => {
  server = await TestServer.start();
  feed = new FeedClient(server.url, { token: server.adminToken });
  await feed.opened();
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await server.stop();
  feed.close();
});

async function hello(deviceId: string, credential: string, policyVersion: number): Promise<TestAgent> {
  const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, { policyVersion });
  agents.push(agent);
  return agent;
}

async function acked(agent: TestAgent, report: ReportFrame): Promise<void> {
  agent.send(report);
  await agent.ack(report.id, 30_000);
}

const lastingOf = async (deviceId: string) =>
  ViolationPage.parse((await server.get(`/api/v1/violations?status=all&device=${deviceId}`)).body)
    .items.map((v) => `${v.subject}:${v.status}`)
    .sort();

async function putStricterPolicy(): Promise<number> {
  const current = (await server.get("/api/v1/policy")).body as { version: number };
  const answer = await server.request("PUT", "/api/v1/policy", { token: server.adminToken, body: { ...current, heartbeatSeconds: 30 } });
  expect(answer.status).toBe(200);
  return (answer.body as { version: number }).version;
}

describe("a report judged by an older policy than the device has been sent", () => {
  it("after a push: stored and acknowledged, but it opens and resolves nothing and the feed stays quiet", async () => {
    const { deviceId, credential } = await server.enroll("hw-pushed", "pushed");
    const agent = await hello(deviceId, credential, 1);
    await acked(agent, reportFrame([usbFail("STICK-1")], { policyVersion: 1 }));
    await feed.waitForCount(1);

    const version = await putStricterPolicy();
    expect((await agent.next("policy")).policy.version).toBe(version);
    // Judged before the agent applied the push: it would resolve STICK-1 and open STICK-2.
    await acked(agent, reportFrame([usbFail("STICK-2")], { policyVersion: 1 }));
    expect(await lastingOf(deviceId)).toEqual(["STICK-1:open"]);
    expect(await countReports(server.server.store.db, deviceId)).toBe(2);

    // The agent judges again under the pushed policy: now it counts, and the feed shows exactly that.
    await acked(agent, reportFrame([usbFail("STICK-2")], { policyVersion: version }));
    await feed.waitForCount(3);
    expect(feed.events.map((e) => `${e.violation.subject}:${e.violation.status}`)).toEqual([
      "STICK-1:open",
      "STICK-1:resolved",
      "STICK-2:open",
    ]);
    expect((await findDevice(server.server.store.db, deviceId))?.policy_sent_version).toBe(version);
  });

  it("from a new agent's outbox: the policy the welcome sent is what counts, so only the re-judged report opens anything", async () => {
    const { deviceId, credential } = await server.enroll("hw-new", "new-laptop");
    // Version 0 is the agent's built-in policy: the server answers with its own (version 1) right after the welcome.
    const agent = await hello(deviceId, credential, 0);
    expect((await agent.next("policy")).policy.version).toBe(1);
    await acked(agent, reportFrame([usbFail("OUTBOX-1", "OUTBOX-2")], { policyVersion: 0 }));
    await acked(agent, reportFrame([usbFail("OUTBOX-1")], { policyVersion: 1 }));
    expect(await lastingOf(deviceId)).toEqual(["OUTBOX-1:open"]);
    // A later change proves everything before it had its chance to reach the feed.
    await acked(agent, reportFrame([usbPass()], { policyVersion: 1 }));
    await feed.waitForCount(2);
    expect(feed.events.map((e) => `${e.violation.subject}:${e.violation.status}`)).toEqual(["OUTBOX-1:open", "OUTBOX-1:resolved"]);
  });

  it("after a reconnect: what an earlier connection was sent still counts", async () => {
    const { deviceId, credential } = await server.enroll("hw-again", "again");
    const first = await hello(deviceId, credential, 1);
    const version = await putStricterPolicy();
    expect((await first.next("policy")).policy.version).toBe(version);
    await first.close();
    // The agent applied the push but still had a report judged under version 1 queued.
    const second = await hello(deviceId, credential, version);
    await acked(second, reportFrame([usbFail("QUEUED-1")], { policyVersion: 1 }));
    expect(await lastingOf(deviceId)).toEqual([]);
    await acked(second, reportFrame([usbFail("JUDGED-AGAIN")], { policyVersion: version }));
    await feed.waitForCount(1);
    expect(feed.events.map((e) => `${e.violation.subject}:${e.violation.status}`)).toEqual(["JUDGED-AGAIN:open"]);
  });
});
