// Device identity over a real server (in-process, real sockets, SQLite): hellos prove the enrolled key, and a known hardware id enrolling again never takes over its device.
import { DeviceList, ErrorBody } from "@wegroup/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryAudit } from "../store/audit.js";
import { TestAgent } from "../testing/agent-client.js";
import { testDeviceKey } from "../testing/device-key.js";
import { FeedClient } from "../testing/feed-client.js";
import { helloFrame, reportFrame, usbFail, usbPass } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";
import { until } from "../testing/wait.js";

let server: TestServer;
const agents: TestAgent[] = [];
const feeds: FeedClient[] = [];
const track = <T extends TestAgent>(agent: T): T => {
  agents.push(agent);
  return agent;
};

beforeEach(async () => {
  server = await TestServer.start({ tuning: { enrollBurst: 100, enrollPerMinute: 100 } });
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await server.stop();
  for (const f of feeds.splice(0)) f.close();
});

async function enrollWithKey(hardwareId: string, hostname = "lt-0042") {
  const key = testDeviceKey();
  const enrolled = await server.enroll(hardwareId, hostname, key.publicKey);
  return { ...enrolled, key };
}

describe("device keys", () => {
  it("welcomes a hello signed over its connection's nonce with the key the device enrolled with", async () => {
    const { deviceId, credential, key } = await enrollWithKey("hw-signed");
    const agent = track(await TestAgent.signedHello(server.wsUrl, deviceId, credential, key));
    expect(agent.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const report = reportFrame([usbPass()]);
    agent.send(report);
    await agent.ack(report.id);
  });

  it.each([
    ["the credential alone (no signature)", () => ({}), /bound to a key/],
    [
      "a signature over another connection's nonce",
      (k: ReturnType<typeof testDeviceKey>, id: string) => ({ signature: k.signHello("a-nonce-of-an-earlier-connection-xxxxxxxxxx", id) }),
      /signature does not match/,
    ],
    [
      "a signature by another key",
      (_k: ReturnType<typeof testDeviceKey>, id: string, nonce: string) => ({ signature: testDeviceKey().signHello(nonce, id) }),
      /signature does not match/,
    ],
  ])("refuses a keyed device's hello with %s (4401)", async (_name, over, message) => {
    const { deviceId, credential, key } = await enrollWithKey(`hw-${Math.random()}`);
    const agent = track(await TestAgent.connect(server.wsUrl));
    agent.send(helloFrame(deviceId, credential, over(key, deviceId, agent.nonce ?? "")));
    expect(await agent.next("error")).toMatchObject({ code: "unauthorized", message: expect.stringMatching(message) });
    expect((await agent.waitClosed()).code).toBe(4401);
    expect(server.server.registry.isConnected(deviceId)).toBe(false);
  });

  it("refuses an enrollment whose publicKey is not an Ed25519 key, naming the field", async () => {
    const answer = await server.request("POST", "/api/v1/enroll", {
      body: { secret: server.enrollSecret, hostname: "h", os: "linux", hardwareId: "hw-badkey", publicKey: "A".repeat(60) },
    });
    expect(answer.status).toBe(400);
    expect(ErrorBody.parse(answer.body).error.message).toMatch(/^invalid body: publicKey: not an Ed25519 public key/);
  });

  it("binds, on first use, the key a device enrolled before keys offers, and refuses the credential alone from then on", async () => {
    const { deviceId, credential } = await server.enroll("hw-legacy"); // no publicKey: an agent from before keys
    await track(await TestAgent.hello(server.wsUrl, deviceId, credential)).close();
    const key = testDeviceKey();
    const upgraded = track(await TestAgent.connect(server.wsUrl));
    upgraded.send(helloFrame(deviceId, credential, { publicKey: key.publicKey, signature: key.signHello(upgraded.nonce ?? "", deviceId) }));
    await upgraded.next("welcome");
    expect((await queryAudit(server.server.store.db, { action: "device.key-bind", limit: 5 })).map((a) => a.target)).toEqual([
      `device ${deviceId}`,
    ]);

    const thief = track(await TestAgent.connect(server.wsUrl));
    thief.send(helloFrame(deviceId, credential));
    expect((await thief.waitClosed()).code).toBe(4401);
    // Nor can another key be bound over it.
    const other = testDeviceKey();
    const rebinder = track(await TestAgent.connect(server.wsUrl));
    rebinder.send(
      helloFrame(deviceId, credential, { publicKey: other.publicKey, signature: other.signHello(rebinder.nonce ?? "", deviceId) }),
    );
    expect((await rebinder.waitClosed()).code).toBe(4401);
  });
});

describe("a takeover attempt: enrolling with another device's hardware id", () => {
  it("makes a new device flagged as a re-enrollment, audits and announces it, and the real agent keeps working", async () => {
    const real = await enrollWithKey("machine-id-of-lt-0042", "lt-0042");
    const agent = track(await TestAgent.signedHello(server.wsUrl, real.deviceId, real.credential, real.key));
    const live = new FeedClient(server.url, { token: server.adminToken });
    feeds.push(live);
    await live.opened();

    // Any local user can read /etc/machine-id, and every laptop user has the fleet's enrollment secret.
    const impostorKey = testDeviceKey();
    const impostor = await server.enroll("machine-id-of-lt-0042", "lt-0042", impostorKey.publicKey);
    expect(impostor.deviceId).not.toBe(real.deviceId);

    const devices = DeviceList.parse((await server.get("/api/v1/devices")).body).items;
    expect(devices.find((d) => d.id === real.deviceId)?.reEnrollmentOf).toBeNull();
    expect(devices.find((d) => d.id === impostor.deviceId)?.reEnrollmentOf).toBe(real.deviceId);
    const audit = await queryAudit(server.server.store.db, { action: "device.re-enroll", limit: 5 });
    expect(audit).toEqual([
      expect.objectContaining({
        actor: "enrollment secret",
        target: `device ${impostor.deviceId}`,
        detail: { reEnrollmentOf: real.deviceId, os: "linux", withKey: true },
      }),
    ]);
    await until(() => live.notices.length > 0, 5_000, "a device notice on the live feed");
    expect(live.notices).toEqual([
      expect.objectContaining({
        kind: "re-enrolled",
        deviceId: impostor.deviceId,
        reEnrollmentOf: real.deviceId,
        hostname: "lt-0042",
        os: "linux",
      }),
    ]);

    // The real agent was not disconnected, its reports are still taken, and it reconnects with its own key.
    const report = reportFrame([usbFail("REAL-STICK")]);
    agent.send(report);
    await agent.ack(report.id);
    await agent.close();
    track(await TestAgent.signedHello(server.wsUrl, real.deviceId, real.credential, real.key));
    // The impostor's credential opens only its own, flagged record — never the real device.
    const attempt = track(await TestAgent.connect(server.wsUrl));
    attempt.send(helloFrame(real.deviceId, impostor.credential, { signature: impostorKey.signHello(attempt.nonce ?? "", real.deviceId) }));
    expect((await attempt.waitClosed()).code).toBe(4401);
    // The live feed's violation stream goes on as before: the notice took no event id.
    await live.waitFor((e) => e.violation.subject === "REAL-STICK" && e.violation.deviceId === real.deviceId);
  });
});
