// Exemptions and agent-silent over the real server (in-process, SQLite): the API, the events on the live feed, device status.
import { AuditPage, DeviceList, ErrorBody, Exemption, ExemptionList, TokenCreated, ViolationPage } from "@wegroup/shared";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { TestAgent } from "../testing/agent-client.js";
import { FeedClient } from "../testing/feed-client.js";
import { reportFrame, usbFail } from "../testing/frames.js";
import { findDevice } from "../store/devices.js";
import { TestServer } from "../testing/harness.js";
import { until } from "../testing/wait.js";

let server: TestServer;
const agents: TestAgent[] = [];
const feeds: FeedClient[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await server.stop();
  for (const f of feeds.splice(0)) f.close();
});

async function start(clock?: ManualClock): Promise<FeedClient> {
  server = await TestServer.start({ tuning: { enrollBurst: 1_000, enrollPerMinute: 1_000 }, ...(clock === undefined ? {} : { clock }) });
  const feed = new FeedClient(server.url, { token: server.adminToken });
  feeds.push(feed);
  await feed.opened();
  return feed;
}

async function connect(hostname: string): Promise<{ deviceId: string; credential: string; agent: TestAgent }> {
  const { deviceId, credential } = await server.enroll(`hw-${hostname}`, hostname);
  const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, {
    device: { hostname, platform: "linux", agentVersion: "1.0.0" },
  });
  agents.push(agent);
  return { deviceId, credential, agent };
}

async function report(agent: TestAgent, ...serials: string[]): Promise<void> {
  const frame = reportFrame([usbFail(...serials)]);
  agent.send(frame);
  await agent.ack(frame.id);
}

const post = (body: unknown, token = server.adminToken) => server.request("POST", "/api/v1/exemptions", { token, body });
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

describe("exemptions over the API", () => {
  it("stores one (201, with its id), exempts the covered violation on the feed, lists it, and reopens it when deleted", async () => {
    const feed = await start();
    const { deviceId, agent } = await connect("ex-laptop");
    await report(agent, "USB-EX-1", "USB-OTHER");
    await feed.waitForCount(2);
    const body = {
      device: deviceId,
      check: "usb-storage",
      subject: "usb-ex-*",
      reason: "backup drive for the audit",
      approvedBy: "CISO",
      expiresAt: "2099-01-01T00:00:00.000Z",
    };
    const created = await post(body);
    expect(created.status).toBe(201);
    const exemption = Exemption.parse(created.body);
    expect(exemption).toMatchObject({
      ...body,
      approvedBy: server.adminTokenName,
      id: expect.any(String),
      status: "active",
      rule: null,
      createdBy: server.adminTokenName,
    });
    const exempted = await feed.waitFor((e) => e.violation.status === "exempted");
    expect(exempted.violation).toMatchObject({ subject: "USB-EX-1", hostname: "ex-laptop" });
    // Shown as exempted, not as an open violation.
    const open = ViolationPage.parse((await server.get("/api/v1/violations?status=open")).body).items.map((v) => v.subject);
    expect(open).toEqual(["USB-OTHER"]);
    expect(ViolationPage.parse((await server.get("/api/v1/violations?status=exempted")).body).items.map((v) => v.subject)).toEqual([
      "USB-EX-1",
    ]);

    const viewer = TokenCreated.parse(
      (await server.request("POST", "/api/v1/tokens", { token: server.adminToken, body: { name: "soc", role: "viewer" } })).body,
    ).token;
    expect(ExemptionList.parse((await server.get("/api/v1/exemptions", viewer)).body).items.map((e) => e.id)).toEqual([exemption.id]);

    expect((await server.request("DELETE", `/api/v1/exemptions/${exemption.id}`, { token: server.adminToken })).status).toBe(204);
    const reopened = await feed.waitFor((e) => e.violation.subject === "USB-EX-1" && e.violation.status === "open");
    expect(reopened.violation.id).toBe(exempted.violation.id);
    expect(ExemptionList.parse((await server.get("/api/v1/exemptions")).body).items).toEqual([]);
    expect(ExemptionList.parse((await server.get("/api/v1/exemptions?status=deleted")).body).items.map((e) => [e.id, e.status])).toEqual([
      [exemption.id, "deleted"],
    ]);
    expect((await server.request("DELETE", `/api/v1/exemptions/${exemption.id}`, { token: server.adminToken })).status).toBe(404);

    const audit = AuditPage.parse((await server.get("/api/v1/audit")).body).items.filter((a) => a.action.startsWith("exemption."));
    expect(audit.map((a) => [a.action, a.actor, a.target])).toEqual([
      ["exemption.delete", server.adminTokenName, `exemption ${exemption.id}`],
      ["exemption.create", server.adminTokenName, `exemption ${exemption.id}`],
    ]);
  });

  it("opens a new failure it covers as exempted on the feed", async () => {
    const feed = await start();
    const { deviceId, agent } = await connect("ex-new");
    expect(
      (
        await post({
          device: "*",
          check: "usb-storage",
          subject: "APPROVED-*",
          reason: "r",
          approvedBy: "CISO",
          expiresAt: "2099-01-01T00:00:00Z",
        })
      ).status,
    ).toBe(201);
    await report(agent, "APPROVED-1");
    const event = await feed.waitFor((e) => e.violation.subject === "APPROVED-1");
    expect(event.violation).toMatchObject({ status: "exempted", deviceId });
  });

  it("reopens a still-failing violation when the exemption expires, by its timer", async () => {
    const feed = await start();
    const { deviceId, agent } = await connect("ex-expiry");
    await report(agent, "SHORT-1");
    await post({
      device: deviceId,
      check: "usb-storage",
      subject: "SHORT-1",
      reason: "one moment",
      approvedBy: "CISO",
      expiresAt: inMs(1_500),
    });
    await feed.waitFor((e) => e.violation.status === "exempted");
    const reopened = await feed.waitFor(
      (e) => e.violation.subject === "SHORT-1" && e.violation.status === "open" && feed.events.indexOf(e) > 0,
      15_000,
      "the reopening at expiry",
    );
    expect(reopened.violation.deviceId).toBe(deviceId);
    const audit = AuditPage.parse((await server.get("/api/v1/audit?action=exemption.expire")).body).items;
    expect(audit.map((a) => a.actor)).toEqual(["server"]);
  });

  it.each<[string, object, RegExp]>([
    [
      "neither rule nor subject",
      { device: "*", check: "usb-storage", reason: "r", approvedBy: "a", expiresAt: "2099-01-01T00:00:00Z" },
      /rule or a subject/,
    ],
    ["no reason", { device: "*", check: "usb-storage", subject: "x", expiresAt: "2099-01-01T00:00:00Z" }, /reason/],
    ["no expiry", { device: "*", check: "usb-storage", subject: "x", reason: "r", approvedBy: "a" }, /expiresAt/],
    [
      "an unknown check",
      { device: "*", check: "firewall", subject: "x", reason: "r", approvedBy: "a", expiresAt: "2099-01-01T00:00:00Z" },
      /check/,
    ],
    [
      "an expiry in the past",
      { device: "*", check: "usb-storage", subject: "x", reason: "r", approvedBy: "a", expiresAt: "2001-01-01T00:00:00Z" },
      /expiresAt: must be in the future/,
    ],
    [
      "an unknown device",
      {
        device: "0190aaaa-0000-7000-8000-000000000000",
        check: "usb-storage",
        subject: "x",
        reason: "r",
        approvedBy: "a",
        expiresAt: "2099-01-01T00:00:00Z",
      },
      /device: no device/,
    ],
  ])("refuses %s with 400 naming it", async (_name, body, message) => {
    await start();
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(ErrorBody.parse(answer.body).error).toMatchObject({ code: "bad_request", message: expect.stringMatching(message) });
  });

  it("lets the security role (and admin) create or delete one, never a viewer; the approver is the token's name", async () => {
    await start();
    const tokenOf = async (name: string, role: string) =>
      TokenCreated.parse((await server.request("POST", "/api/v1/tokens", { token: server.adminToken, body: { name, role } })).body).token;
    const viewer = await tokenOf("soc", "viewer");
    const security = await tokenOf("Dana Weiss (security)", "security");
    const body = {
      device: "*",
      check: "usb-storage",
      subject: "x",
      reason: "r",
      approvedBy: "someone else",
      expiresAt: "2099-01-01T00:00:00Z",
    };
    expect((await post(body, viewer)).status).toBe(403);
    expect((await server.request("DELETE", "/api/v1/exemptions/anything", { token: viewer })).status).toBe(403);
    expect((await server.get("/api/v1/exemptions", null)).status).toBe(401);
    const granted = await post(body, security);
    expect(granted.status).toBe(201);
    const exemption = Exemption.parse(granted.body);
    expect(exemption).toMatchObject({ approvedBy: "Dana Weiss (security)", createdBy: "Dana Weiss (security)" });
    expect((await server.request("DELETE", `/api/v1/exemptions/${exemption.id}`, { token: security })).status).toBe(204);
    const audit = AuditPage.parse((await server.get("/api/v1/audit?action=exemption.delete")).body).items;
    expect(audit.map((a) => a.actor)).toEqual(["Dana Weiss (security)"]);
  });
});

describe("agent-silent over the API", () => {
  const heartbeatMs = 60_000;

  it("opens for a stopped agent within seconds of its goodbye, shows the device offline with the reason, and resolves when it reconnects", async () => {
    const clock = new ManualClock(new Date());
    const feed = await start(clock);
    const { deviceId, credential, agent } = await connect("stopped-laptop");
    agent.send({ type: "goodbye", reason: "service-stop" });
    await agent.close();
    // Frames are stored through the group commit: let the goodbye land before time moves on.
    await until(async () => (await findDevice(server.server.store.db, deviceId))?.goodbye_at != null, 5_000, "the goodbye to be stored");
    clock.advance(3_000);
    const raised = await server.server.watchdog.sweep();
    expect(raised.map((e) => e.violation.message)).toEqual(["agent stopped on the device"]);
    const event = await feed.waitFor((e) => e.violation.check === "agent-silent");
    expect(event.violation).toMatchObject({ deviceId, subject: "agent", status: "open", hostname: "stopped-laptop" });
    const offline = DeviceList.parse((await server.get("/api/v1/devices")).body).items.find((d) => d.id === deviceId);
    expect(offline).toMatchObject({ status: "offline", openViolations: 1, lastGoodbye: { reason: "service-stop" } });
    expect(await server.server.watchdog.sweep()).toEqual([]);

    const back = await TestAgent.hello(server.wsUrl, deviceId, credential);
    agents.push(back);
    const resolved = await feed.waitFor((e) => e.violation.check === "agent-silent" && e.violation.status === "resolved");
    expect(resolved.violation.id).toBe(event.violation.id);
    const online = DeviceList.parse((await server.get("/api/v1/devices")).body).items.find((d) => d.id === deviceId);
    // Back, but it has not reported a result yet: unknown, never compliant.
    expect(online).toMatchObject({ status: "unknown", openViolations: 0 });
    expect(online?.lastGoodbye).toBeUndefined();
  });

  it("says since when heartbeats are missing when the agent did not say goodbye and stayed away past maxOfflineDays", async () => {
    const clock = new ManualClock(new Date());
    await start(clock);
    const { deviceId, agent } = await connect("vanished-laptop");
    const lastFrame = clock.now().toISOString();
    await until(async () => (await findDevice(server.server.store.db, deviceId))?.last_seen === lastFrame, 5_000, "the hello to be stored");
    agent.ws.terminate();
    await agent.waitClosed();
    // Offline after 3 heartbeats, but a laptop may sleep for days: nothing opens before maxOfflineDays.
    clock.advance(3 * heartbeatMs + 1_000);
    expect(await server.server.watchdog.sweep()).toEqual([]);
    clock.advance(14 * 86_400_000);
    expect((await server.server.watchdog.sweep()).map((e) => e.violation.message)).toEqual([`no heartbeat since ${lastFrame}`]);
  });
});
