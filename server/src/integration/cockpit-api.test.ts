// What the dashboard pages read, on the real server (in-process, SQLite): true counts past one page, filters,
// the covering exemption, the device page (enforcement, agent health, history), rollout of offline devices,
// old policy versions and the audit's before/after.
import {
  AuditPage,
  DEFAULT_POLICY,
  DeviceDetail,
  DeviceList,
  Exemption,
  PolicyRollout,
  PolicyVersionDocument,
  ViolationPage,
} from "@wegroup/shared";
import { afterEach, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { reportFrame, usbFail } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";

let server: TestServer;
const agents: TestAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await server.stop();
});

async function connect(hostname: string): Promise<{ deviceId: string; agent: TestAgent }> {
  const { deviceId, credential } = await server.enroll(`hw-${hostname}`, hostname);
  const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, {
    agentVersion: "1.2.3",
    device: { hostname, platform: "linux", agentVersion: "1.2.3" },
  });
  agents.push(agent);
  return { deviceId, agent };
}

const serials = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, "0")}`);

describe("the pages' queries", () => {
  it("counts every matching violation across pages (per check), filters by subject and time, and pages to the end by cursor", async () => {
    server = await TestServer.start({ tuning: { enrollBurst: 1_000, enrollPerMinute: 1_000 } });
    const a = await connect("count-a");
    const b = await connect("count-b");
    // Reports of 400 violations each on a (the per-report cap is 500): each replaces the device's usb-storage
    // state, so the serials of the one before resolve — 1,200 resolved rows — then 500 open at once; 5 on b.
    for (const part of [0, 1, 2]) {
      const frame = reportFrame([usbFail(...serials(400, `A${part}`))]);
      a.agent.send(frame);
      await a.agent.ack(frame.id, 15_000);
    }
    const all = reportFrame([usbFail(...serials(400, "A0"), ...serials(400, "A1").slice(0, 100))]);
    a.agent.send(all);
    await a.agent.ack(all.id, 15_000);
    const five = reportFrame([usbFail(...serials(5, "B"))]);
    b.agent.send(five);
    await b.agent.ack(five.id);

    const first = ViolationPage.parse((await server.get("/api/v1/violations?status=open&limit=100")).body);
    expect(first.total).toBe(505);
    expect(first.byCheck).toEqual({ "usb-storage": 505 });
    expect(first.items).toHaveLength(100);
    let seen = first.items.length;
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const page = ViolationPage.parse((await server.get(`/api/v1/violations?status=open&limit=1000&cursor=${cursor}`)).body);
      expect(page.total).toBe(505);
      seen += page.items.length;
      cursor = page.nextCursor;
    }
    expect(seen).toBe(505);
    const resolved = ViolationPage.parse((await server.get("/api/v1/violations?status=resolved&limit=1")).body);
    expect(resolved.total).toBe(1_200);

    const bySubject = ViolationPage.parse((await server.get("/api/v1/violations?status=all&subject=B-0003")).body);
    expect(bySubject.items.map((v) => [v.hostname, v.subject])).toEqual([["count-b", "B-0003"]]);
    expect(bySubject.total).toBe(1);
    const byDevice = ViolationPage.parse((await server.get(`/api/v1/violations?device=${b.deviceId}&limit=2`)).body);
    expect([byDevice.total, byDevice.items.length]).toEqual([5, 2]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(ViolationPage.parse((await server.get(`/api/v1/violations?since=${encodeURIComponent(future)}`)).body).total).toBe(0);
    expect(ViolationPage.parse((await server.get("/api/v1/violations?until=2001-01-01T00:00:00Z")).body).total).toBe(0);
  });

  it("gives an exempted violation its covering exemption, and the device page its enforcement, health and history", async () => {
    server = await TestServer.start();
    const { deviceId, agent } = await connect("detail-laptop");
    const frame = reportFrame([usbFail("STICK-1", "STICK-2")], {
      enforcement: [
        { check: "usb-storage", subject: "STICK-1", action: "eject", ok: true, detail: "udisksctl power-off /dev/sdb: done" },
        { check: "usb-storage", subject: "STICK-2", action: "eject", ok: false, detail: "device busy" },
      ],
    });
    agent.send(frame);
    await agent.ack(frame.id);
    const exemption = Exemption.parse(
      (
        await server.request("POST", "/api/v1/exemptions", {
          token: server.adminToken,
          body: { device: deviceId, check: "usb-storage", subject: "STICK-2", reason: "forensics copy", expiresAt: "2099-01-01T00:00:00Z" },
        })
      ).body,
    );
    const exempted = ViolationPage.parse((await server.get("/api/v1/violations?status=exempted")).body).items;
    expect(exempted.map((v) => [v.subject, v.exemption])).toEqual([
      ["STICK-2", { id: exemption.id, approvedBy: server.adminTokenName, reason: "forensics copy", expiresAt: "2099-01-01T00:00:00.000Z" }],
    ]);
    expect(ViolationPage.parse((await server.get("/api/v1/violations?status=open")).body).items.map((v) => v.exemption)).toEqual([
      undefined,
    ]);

    const detail = DeviceDetail.parse((await server.get(`/api/v1/devices/${deviceId}`)).body);
    expect(detail.enforcement?.map((e) => [e.subject, e.action, e.ok, e.detail])).toEqual([
      ["STICK-1", "eject", true, "udisksctl power-off /dev/sdb: done"],
      ["STICK-2", "eject", false, "device busy"],
    ]);
    expect(detail.health).toMatchObject({
      connected: true,
      agentVersion: "1.2.3",
      lastGoodbye: null,
      latestPolicyVersion: 1,
      queuedReports: 0,
    });
    expect(detail.history?.map((v) => [v.subject, v.status]).sort()).toEqual([
      ["STICK-1", "open"],
      ["STICK-2", "exempted"],
    ]);

    agent.send({ type: "goodbye", reason: "service-stop" });
    await agent.waitClosed().catch(() => undefined);
    await expect
      .poll(async () => DeviceDetail.parse((await server.get(`/api/v1/devices/${deviceId}`)).body).health?.lastGoodbye?.reason, {
        timeout: 5_000,
      })
      .toBe("service-stop");
  });

  it("filters devices by status, OS and hostname, with counts per status", async () => {
    server = await TestServer.start({ tuning: { enrollBurst: 1_000, enrollPerMinute: 1_000 } });
    const failing = await connect("Fin-Laptop-07");
    const frame = reportFrame([usbFail("S-1")]);
    failing.agent.send(frame);
    await failing.agent.ack(frame.id);
    await server.enroll("hw-quiet", "quiet-desk_01");
    const list = DeviceList.parse((await server.get("/api/v1/devices")).body);
    expect(list.byStatus).toMatchObject({ noncompliant: 1 });
    expect(DeviceList.parse((await server.get("/api/v1/devices?q=laptop")).body).items.map((d) => d.hostname)).toEqual(["Fin-Laptop-07"]);
    expect(DeviceList.parse((await server.get("/api/v1/devices?q=k_0")).body).items.map((d) => d.hostname)).toEqual(["quiet-desk_01"]);
    expect(DeviceList.parse((await server.get("/api/v1/devices?q=%25")).body).items).toEqual([]);
    expect(DeviceList.parse((await server.get("/api/v1/devices?status=noncompliant")).body).items.map((d) => d.hostname)).toEqual([
      "Fin-Laptop-07",
    ]);
    expect(DeviceList.parse((await server.get("/api/v1/devices?os=darwin")).body).items).toEqual([]);
    expect((await server.get("/api/v1/devices?status=sideways")).status).toBe(400);
  });

  it("lists offline devices on an old version in the rollout, serves each old policy version, and audits before/after", async () => {
    server = await TestServer.start({ tuning: { enrollBurst: 1_000, enrollPerMinute: 1_000 } });
    const { deviceId, agent } = await connect("gone-laptop");
    agent.send({ type: "goodbye", reason: "service-stop" });
    await agent.close();
    await expect
      .poll(async () => DeviceDetail.parse((await server.get(`/api/v1/devices/${deviceId}`)).body).health?.lastGoodbye?.reason, {
        timeout: 5_000,
      })
      .toBe("service-stop");
    const { version: _v, ...doc } = DEFAULT_POLICY;
    const put = await server.request("PUT", "/api/v1/policy", {
      token: server.adminToken,
      body: { ...doc, screenLock: { ...doc.screenLock, maxIdleSeconds: 300 } },
    });
    expect(put.body).toEqual({ version: 2 });
    const rollout = PolicyRollout.parse((await server.get("/api/v1/policy/rollout")).body);
    expect(rollout.pending).toEqual([]);
    expect(rollout.offline?.map((d) => d.hostname)).toEqual(["gone-laptop"]);

    const v1 = PolicyVersionDocument.parse((await server.get("/api/v1/policy/history/1")).body);
    expect([v1.version, v1.policy.screenLock.maxIdleSeconds]).toEqual([1, DEFAULT_POLICY.screenLock.maxIdleSeconds]);
    expect(PolicyVersionDocument.parse((await server.get("/api/v1/policy/history/2")).body).policy.screenLock.maxIdleSeconds).toBe(300);
    expect((await server.get("/api/v1/policy/history/9")).status).toBe(404);

    const audit = AuditPage.parse((await server.get("/api/v1/audit?action=policy.update")).body).items;
    expect(audit[0]?.detail).toMatchObject({
      before: { screenLock: DEFAULT_POLICY.screenLock },
      after: { screenLock: { ...DEFAULT_POLICY.screenLock, maxIdleSeconds: 300 } },
    });
  });
});
