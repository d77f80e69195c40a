// The live feed over a real server (in-process, SQLite) with a standard EventSource client: order, resume, no repeats, auth, slow clients.
import http from "node:http";
import { type CheckViolation, ErrorBody, TokenCreated, type ReportFrame } from "@wegroup/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { FeedClient } from "../testing/feed-client.js";
import { reportFrame, usbFail, usbPass } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";
import { until } from "../testing/wait.js";

let server: TestServer;
const agents: TestAgent[] = [];
const feeds: FeedClient[] = [];

beforeEach(async () => {
  server = await TestServer.start({ tuning: { enrollBurst: 1_000, enrollPerMinute: 1_000 } });
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  // The server ends the streams first: a client that aborts its own stream leaves its fetch a spare keep-alive socket.
  await server.stop();
  for (const f of feeds.splice(0)) f.close();
});

async function feed(options: ConstructorParameters<typeof FeedClient>[1] = { token: server.adminToken }): Promise<FeedClient> {
  const client = new FeedClient(server.url, options);
  feeds.push(client);
  await client.opened();
  return client;
}

async function agent(
  hostname = "feed-laptop",
): Promise<{ deviceId: string; agent: TestAgent; send: (report: ReportFrame) => Promise<void> }> {
  const { deviceId, credential } = await server.enroll(`hw-${hostname}`, hostname);
  const a = await TestAgent.hello(server.wsUrl, deviceId, credential, { device: { hostname, platform: "linux", agentVersion: "1.0.0" } });
  agents.push(a);
  return {
    deviceId,
    agent: a,
    send: async (report) => {
      a.send(report);
      await a.ack(report.id, 30_000);
    },
  };
}

describe("GET /api/v1/violations/stream", () => {
  it("sends one violation event per opened and resolved violation, in order, with the event seq as id", async () => {
    const client = await feed();
    const { send, deviceId } = await agent();
    await send(reportFrame([usbFail("FEED-1", "FEED-2")]));
    await send(reportFrame([usbFail("FEED-2")]));
    await send(reportFrame([usbPass()]));
    await client.waitForCount(4);
    expect(client.events.map((e) => [e.violation.subject, e.violation.status])).toEqual([
      ["FEED-1", "open"],
      ["FEED-2", "open"],
      ["FEED-1", "resolved"],
      ["FEED-2", "resolved"],
    ]);
    const seqs = client.events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(client.events[0]?.violation).toMatchObject({ deviceId, hostname: "feed-laptop", check: "usb-storage", resolvedAt: null });
  });

  it("sends nothing for repeats of the same failing report", async () => {
    const client = await feed();
    const { send } = await agent();
    await send(reportFrame([usbFail("REPEAT-1")]));
    for (let i = 0; i < 5; i++) await send(reportFrame([usbFail("REPEAT-1")]));
    // A later, different change proves the repeats had their chance to show up before it.
    await send(reportFrame([usbFail("REPEAT-1", "REPEAT-2")]));
    await client.waitFor((e) => e.violation.subject === "REPEAT-2");
    expect(client.events.map((e) => e.violation.subject)).toEqual(["REPEAT-1", "REPEAT-2"]);
  });

  it("resumes from ?lastEventId= with exactly the events after it", async () => {
    const first = await feed();
    const { send } = await agent();
    await send(reportFrame([usbFail("RESUME-1")]));
    await first.waitForCount(1);
    first.close();
    await send(reportFrame([usbFail("RESUME-1", "RESUME-2")]));
    await send(reportFrame([usbPass()]));
    const again = await feed({ token: server.adminToken, lastEventId: first.events[0]?.seq ?? 0 });
    await again.waitForCount(3);
    expect(again.events.map((e) => [e.violation.subject, e.violation.status])).toEqual([
      ["RESUME-2", "open"],
      ["RESUME-1", "resolved"],
      ["RESUME-2", "resolved"],
    ]);
    expect(again.ready.at(-1)).toBe(again.events.at(-1)?.seq);
  });

  it("lets a dropped EventSource reconnect by itself with Last-Event-ID and miss nothing, with no repeats", async () => {
    const client = await feed();
    const { send } = await agent();
    await send(reportFrame([usbFail("RECONNECT-1")]));
    await client.waitForCount(1);
    server.server.feed.closeClients();
    await send(reportFrame([usbFail("RECONNECT-1", "RECONNECT-2")])); // while it is away
    await until(() => client.connections.length === 2 && client.ready.length === 2, 15_000, "the automatic reconnection");
    expect(client.connections).toEqual([null, String(client.events[0]?.seq)]);
    await send(reportFrame([usbPass()]));
    await client.waitForCount(4);
    expect(client.events.map((e) => `${e.violation.subject}:${e.violation.status}`)).toEqual([
      "RECONNECT-1:open",
      "RECONNECT-2:open",
      "RECONNECT-1:resolved",
      "RECONNECT-2:resolved",
    ]);
  });

  it("starts a client without Last-Event-ID at the newest event, and tells it that id", async () => {
    const { send } = await agent();
    await send(reportFrame([usbFail("BEFORE-1")]));
    const client = await feed();
    expect(client.ready[0]).toBe(server.server.feed.lastSeq);
    await send(reportFrame([usbFail("BEFORE-1", "AFTER-1")]));
    await client.waitForCount(1);
    expect(client.events.map((e) => e.violation.subject)).toEqual(["AFTER-1"]);
  });

  it("accepts a viewer's token as ?token= or as a header, and never writes it to the log", async () => {
    const created = await server.request("POST", "/api/v1/tokens", { token: server.adminToken, body: { name: "soc", role: "viewer" } });
    const viewer = TokenCreated.parse(created.body).token;
    const byQuery = await feed({ token: viewer });
    const byHeader = await feed({ token: viewer, header: true });
    const { send } = await agent();
    await send(reportFrame([usbFail("AUTH-1")]));
    await Promise.all([byQuery.waitForCount(1), byHeader.waitForCount(1)]);
    expect(server.logs.join("\n")).toContain("[redacted]");
    expect(server.logs.join("\n")).not.toContain(viewer);
  });

  it.each([
    ["no token", "", 401, "unauthorized"],
    ["an unknown token", "?token=nope", 401, "unauthorized"],
    ["a lastEventId that is not a number", "?token={admin}&lastEventId=abc", 400, "bad_request"],
    ["an unknown parameter", "?token={admin}&since=yesterday", 400, "bad_request"],
  ])("refuses %s with %s", async (_name, query, status, code) => {
    const answer = await server.get(`/api/v1/violations/stream${query.replace("{admin}", server.adminToken)}`, null);
    expect(answer.status).toBe(status);
    expect(ErrorBody.parse(answer.body).error.code).toBe(code);
  });

  it("refuses a Last-Event-ID header that is not a number, naming it", async () => {
    const answer = await server.request("GET", "/api/v1/violations/stream", {
      token: server.adminToken,
      headers: { "last-event-id": "x1" },
    });
    expect(answer.status).toBe(400);
    expect(ErrorBody.parse(answer.body).error.message).toMatch(/Last-Event-ID/);
  });
});

/** A violation whose event is about 6 KB: a few hundred of them fill socket buffers quickly. */
const fat = (i: number): CheckViolation => ({
  subject: `FAT-${i}`,
  message: "m".repeat(2_000),
  observed: "o".repeat(2_000),
  expected: "e".repeat(2_000),
});

describe("a client that stops reading", () => {
  it("holds no more than its byte budget, while ingestion and the other clients go on and miss nothing", async () => {
    const healthy = await feed();
    // A client that opens the stream and never reads it.
    let stuckResponse: http.IncomingMessage | undefined;
    const stuck = http.get(`${server.url}/api/v1/violations/stream?token=${server.adminToken}`, (res) => {
      stuckResponse = res;
      res.pause();
    });
    stuck.on("error", () => {});
    await until(() => stuckResponse !== undefined && server.server.feed.clientCount === 2, 5_000, "the stuck client to connect");
    const { send } = await agent("busy-laptop");
    const violations = Array.from({ length: 400 }, (_, i) => fat(i));
    const budget = server.server.feed.options.clientBufferBytes;
    // About 10 MB of events, far more than the budget and the socket buffers; every report is still acknowledged.
    for (let round = 0; round < 2; round++) {
      await send(reportFrame([{ check: "usb-storage", status: "fail", violations }]));
      await send(reportFrame([usbPass()]));
    }
    const total = server.server.feed.lastSeq - (healthy.ready[0] ?? 0);
    expect(total).toBe(1_600);
    await healthy.waitForCount(total, 30_000);
    expect(healthy.events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => (healthy.ready[0] ?? 0) + i + 1));
    const states = server.server.feed.clientStates();
    expect(states).toHaveLength(2);
    const behind = states.find((c) => c.state === "catching-up");
    expect(behind?.buffered).toBeLessThanOrEqual(budget + 8_000);
    expect(behind?.lastSent).toBeLessThan(server.server.feed.lastSeq);
    stuckResponse?.destroy();
  });
});
