// The agent channel end to end in-process: real server on port 0, real WebSockets, real SQLite.
import { MAX_FRAME_BYTES, parseReconnectWindow, type Violation, ViolationPage, type ViolationEvent } from "@wegroup/shared";
import { connect as connectTcp } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countReports } from "../store/reports.js";
import { TestAgent } from "../testing/agent-client.js";
import { helloFrame, reportFrame, usbFail, usbPass } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";
import { until } from "../testing/wait.js";

let server: TestServer;
const agents: TestAgent[] = [];
const connect = async (deviceId: string, credential: string, over = {}) => {
  const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, over);
  agents.push(agent);
  return agent;
};
const raw = async () => {
  const agent = await TestAgent.connect(server.wsUrl);
  agents.push(agent);
  return agent;
};
const violations = async (query: string): Promise<Violation[]> => {
  const answer = await server.get(`/api/v1/violations?${query}`);
  expect(answer.status).toBe(200);
  return ViolationPage.parse(answer.body).items;
};
const at = (minute: number) => new Date(Date.UTC(2025, 2, 1, 10, minute)).toISOString();

beforeEach(async () => {
  server = await TestServer.start();
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await server.stop();
});

describe("agent channel", () => {
  it("welcomes an enrolled agent and pushes the current policy when its version differs", async () => {
    const { deviceId, credential } = await server.enroll();
    const agent = await raw();
    agent.send(helloFrame(deviceId, credential, { policyVersion: 0 }));
    expect(await agent.next("welcome")).toMatchObject({ deviceId, policyVersion: 1, heartbeatSeconds: 60 });
    const push = await agent.next("policy");
    expect(push.policy.version).toBe(1);
    expect(push.policy.software.deny.length).toBeGreaterThan(10);
  });

  it("logs each connection's lines with its number and remote address, and its device id from the hello on", async () => {
    const { deviceId, credential } = await server.enroll();
    const agent = await connect(deviceId, credential, { policyVersion: 1 });
    const report = reportFrame([usbPass()]);
    agent.send(report);
    await agent.ack(report.id);
    const stranger = await raw();
    stranger.send({ type: "heartbeat", policyVersion: 1 });
    await until(() => server.logs.some((l) => l.includes("closing agent connection")), 5_000, "the refused connection's log line");
    const lines = server.logs.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    const acked = lines.find((l) => l.msg === "report acknowledged" && l.reportId === report.id);
    expect(acked).toMatchObject({ deviceId, remote: "127.0.0.1" });
    const refused = lines.find((l) => l.msg === "closing agent connection");
    expect(refused).toMatchObject({ remote: "127.0.0.1" });
    expect(refused?.deviceId).toBeUndefined();
    expect(typeof acked?.conn).toBe("number");
    expect(refused?.conn).not.toBe(acked?.conn);
  });

  it("sends no policy frame to an agent that runs the current version", async () => {
    const { deviceId, credential } = await server.enroll();
    const agent = await connect(deviceId, credential, { policyVersion: 1 });
    agent.send({ type: "heartbeat", policyVersion: 1 });
    const report = reportFrame([usbPass()]);
    agent.send(report);
    await agent.ack(report.id);
    expect(await countReports(server.server.store.db, deviceId)).toBe(1);
    expect(agent.frames.filter((f) => f.type === "policy")).toEqual([]);
  });

  it("acks a failing USB report once stored, shows the violation open, stores a resend once, resolves on a pass", async () => {
    const { deviceId, credential } = await server.enroll("hw-usb", "enrolled-name");
    // The hostname the agent tells in its hello is the one the violation carries.
    const agent = await connect(deviceId, credential, {
      device: { hostname: "usb-laptop", platform: "linux", agentVersion: "0.1.0-test" },
    });
    const events: ViolationEvent[] = [];
    server.server.bus.subscribe((e) => events.push(e));

    const failing = reportFrame([usbFail("4C530001230612116432")], { observedAt: at(1) });
    agent.send(failing);
    expect(await agent.ack(failing.id)).toEqual({ type: "ack", id: failing.id });
    // The ack promises durability: the report and its violation are readable now.
    expect(await countReports(server.server.store.db, deviceId)).toBe(1);
    const open = await violations("status=open");
    expect(open).toMatchObject([
      {
        deviceId,
        hostname: "usb-laptop",
        check: "usb-storage",
        subject: "4C530001230612116432",
        status: "open",
        firstSeen: at(1),
        lastSeen: at(1),
        resolvedAt: null,
      },
    ]);

    agent.send(failing);
    await agent.ack(failing.id);
    expect(await countReports(server.server.store.db, deviceId)).toBe(1);
    expect(await violations("status=all")).toHaveLength(1);

    const passing = reportFrame([usbPass()], { observedAt: at(2) });
    agent.send(passing);
    await agent.ack(passing.id);
    expect(await violations("status=open")).toEqual([]);
    expect(await violations("status=resolved")).toMatchObject([{ id: open[0]?.id, status: "resolved", resolvedAt: at(2) }]);

    expect(events.map((e) => [e.kind, e.violation.id])).toEqual([
      ["opened", open[0]?.id],
      ["resolved", open[0]?.id],
    ]);
    expect(events[1]?.seq).toBeGreaterThan(events[0]?.seq ?? Infinity);
  });

  it("answers a garbage frame with invalid_frame and keeps serving the connection", async () => {
    const { deviceId, credential } = await server.enroll();
    const agent = await connect(deviceId, credential);
    agent.send("{not json");
    expect(await agent.next("error")).toMatchObject({ code: "invalid_frame", message: expect.stringMatching(/not a JSON frame/) });
    agent.send({ type: "heartbeat" });
    expect(await agent.next("error")).toMatchObject({ code: "invalid_frame", message: expect.stringMatching(/policyVersion/) });
    const report = reportFrame([usbPass()]);
    agent.send(report);
    await agent.ack(report.id);
  });

  it("refuses an incoherent report with an error naming it, and stores nothing of it", async () => {
    const { deviceId, credential } = await server.enroll();
    const agent = await connect(deviceId, credential);
    const bad = reportFrame([{ ...usbFail("S1"), status: "pass" }]);
    agent.send(bad);
    expect(await agent.next("error")).toMatchObject({ code: "invalid_frame", ref: bad.id });
    expect(await countReports(server.server.store.db, deviceId)).toBe(0);
  });

  it("closes a connection that sends an oversized frame (1009) while another agent keeps being served", async () => {
    const a = await server.enroll();
    const b = await server.enroll();
    const big = await connect(a.deviceId, a.credential);
    const other = await connect(b.deviceId, b.credential);
    big.send(Buffer.alloc(MAX_FRAME_BYTES + 1, 0x20));
    expect((await big.waitClosed()).code).toBe(1009);
    const report = reportFrame([usbFail("OTHER-1")]);
    other.send(report);
    await other.ack(report.id);
    expect((await violations("status=open")).map((v) => v.deviceId)).toEqual([b.deviceId]);
  });

  it("keeps serving other agents while one sends garbage", async () => {
    const a = await server.enroll();
    const b = await server.enroll();
    const noisy = await connect(a.deviceId, a.credential);
    const quiet = await connect(b.deviceId, b.credential);
    for (let i = 0; i < 5; i++) noisy.send(Buffer.from([0xff, 0xfe, i]));
    const report = reportFrame([usbPass()]);
    quiet.send(report);
    await quiet.ack(report.id);
    expect(await countReports(server.server.store.db, b.deviceId)).toBe(1);
    await noisy.next("error");
    expect(await countReports(server.server.store.db, a.deviceId)).toBe(0);
  });

  it.each([
    ["a wrong credential", async () => ({ ...(await server.enroll()), credential: "x".repeat(43) }), "unauthorized"],
    ["an unknown device", async () => ({ deviceId: "0190aaaa-0000-7000-8000-000000000000", credential: "x".repeat(43) }), "not_enrolled"],
  ])("refuses a hello with %s: error frame, then close 4401", async (_name, who, code) => {
    const { deviceId, credential } = await who();
    const agent = await raw();
    agent.send(helloFrame(deviceId, credential));
    expect(await agent.next("error")).toMatchObject({ code });
    expect((await agent.waitClosed()).code).toBe(4401);
  });

  it("refuses a first frame that is not a hello with close 4401", async () => {
    const agent = await raw();
    agent.send(reportFrame([usbPass()]));
    expect(await agent.next("error")).toMatchObject({
      code: "unauthorized",
      message: expect.stringMatching(/first frame must be a hello/),
    });
    expect((await agent.waitClosed()).code).toBe(4401);
  });

  // Deliberately changed (hardening, issue 14): a second enrollment of the hardware id used to end this session and revoke its credential.
  it("keeps a device's session and credential when its hardware id enrolls again (that makes a new, flagged device)", async () => {
    const first = await server.enroll("hw-same");
    const agent = await connect(first.deviceId, first.credential);
    const second = await server.enroll("hw-same");
    expect(second.deviceId).not.toBe(first.deviceId);
    const report = reportFrame([usbPass()]);
    agent.send(report);
    await agent.ack(report.id);
    expect(server.server.registry.isConnected(first.deviceId)).toBe(true);
    await connect(second.deviceId, second.credential);
    const again = await raw();
    again.send(helloFrame(first.deviceId, first.credential));
    await again.next("welcome");
  });

  it("replaces an older connection of the same device (4409)", async () => {
    const { deviceId, credential } = await server.enroll();
    const older = await connect(deviceId, credential);
    const newer = await connect(deviceId, credential);
    expect((await older.waitClosed()).code).toBe(4409);
    expect(server.server.registry.isConnected(deviceId)).toBe(true);
    const report = reportFrame([usbFail("NEWER-1")]);
    newer.send(report);
    await newer.ack(report.id);
    // Stored under the device, from the connection that replaced the old one.
    expect(await countReports(server.server.store.db, deviceId)).toBe(1);
    expect((await violations("status=open")).map((v) => [v.deviceId, v.subject])).toEqual([[deviceId, "NEWER-1"]]);
  });

  it("takes frames sent right after the hello, before the welcome", async () => {
    const { deviceId, credential } = await server.enroll();
    const agent = await raw();
    const report = reportFrame([usbFail("EARLY-1")]);
    agent.send(helloFrame(deviceId, credential));
    agent.send(report);
    await agent.next("welcome");
    await agent.ack(report.id);
    // The early report was stored and judged, not only acked.
    expect(await countReports(server.server.store.db, deviceId)).toBe(1);
    expect((await violations("status=open")).map((v) => [v.deviceId, v.subject, v.status])).toEqual([[deviceId, "EARLY-1", "open"]]);
  });

  it("records heartbeats, policy-applied and goodbye on the device", async () => {
    const { deviceId, credential } = await server.enroll("hw-hb", "hb-host");
    const agent = await connect(deviceId, credential, { agentVersion: "9.9.9", policyVersion: 0 });
    agent.send({ type: "policy-applied", version: 1 });
    agent.send({ type: "heartbeat", policyVersion: 1 });
    await until(
      async () => {
        const answer = await server.get(`/api/v1/devices/${deviceId}`);
        return (answer.body as { policyVersion?: number }).policyVersion === 1;
      },
      5_000,
      "policyVersion 1 on the device",
    );
    const device = (await server.get(`/api/v1/devices/${deviceId}`)).body;
    // Heartbeats but no report yet: unknown, never compliant.
    expect(device).toMatchObject({ id: deviceId, agentVersion: "9.9.9", connected: true, status: "unknown", policyVersion: 1 });
    expect((device as { lastSeen: string | null }).lastSeen).not.toBeNull();
    agent.send({ type: "goodbye", reason: "service-stop" });
    await agent.close();
    await until(() => !server.server.registry.isConnected(deviceId), 5_000, "the registry to drop the device");
  });

  it("refuses upgrades on other paths with 404", async () => {
    await expect(TestAgent.connect(server.wsUrl.replace("/api/v1/agent", "/api/v1/nope"))).rejects.toThrow(/404/);
  });

  it("commits and acknowledges what it took before a graceful stop, then closes agents with 1001 and when to come back", async () => {
    const { deviceId, credential } = await server.enroll();
    const agent = await connect(deviceId, credential);
    const report = reportFrame([usbFail("STOP-1")]);
    agent.send(report);
    await agent.ack(report.id);
    const stopped = server.server.stop();
    const closed = await agent.waitClosed();
    expect(closed.code).toBe(1001);
    // Herd control: told to come back once a restarted server may listen (a second plus this start's time, with room),
    // over a window that grows with the fleet (reconnectWindowFor): one agent gets the smallest, a second wide.
    expect(closed.reason).toMatch(/^server shutting down \(reconnect in \d+-\d+ ms\)$/);
    const window = parseReconnectWindow(closed.reason);
    expect(window?.minMs).toBeGreaterThan(1_000);
    expect(window?.minMs).toBeLessThan(30_000);
    expect((window?.maxMs ?? 0) - (window?.minMs ?? 0)).toBe(1_000);
    await stopped;
  });

  it("stops at once beside a connection that never sent a byte (a TCP health check): it holds no request to wait for", async () => {
    const silent = connectTcp(server.server.port, "127.0.0.1");
    await new Promise<void>((resolve) => silent.once("connect", () => resolve()));
    const started = Date.now();
    await server.server.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    await new Promise<void>((resolve) => (silent.destroyed ? resolve() : silent.once("close", () => resolve())));
  });
});

describe("agent channel limits", () => {
  it("tells an agent with too many reports waiting for storage to send again later, and stores the rest", async () => {
    await server.stop();
    server = await TestServer.start({ tuning: { maxReportsInFlight: 1, batchMaxDelayMs: 300 } });
    const { deviceId, credential } = await server.enroll();
    const agent = await connect(deviceId, credential);
    const first = reportFrame([usbFail("LIMIT-1")]);
    const second = reportFrame([usbFail("LIMIT-2")]);
    agent.send(first);
    agent.send(second);
    expect(await agent.next("error")).toMatchObject({ code: "rate_limited", ref: second.id });
    await agent.ack(first.id);
    agent.send(second);
    await agent.ack(second.id);
    expect(await countReports(server.server.store.db, deviceId)).toBe(2);
  });

  it("closes a connection that says nothing within the hello timeout (error frame, 4401)", async () => {
    await server.stop();
    server = await TestServer.start({ tuning: { helloTimeoutMs: 150 } });
    const agent = await raw();
    expect(await agent.next("error")).toMatchObject({ code: "unauthorized", message: expect.stringMatching(/hello frame within/) });
    expect((await agent.waitClosed()).code).toBe(4401);
  });
});
