// SIEM webhooks against a real HTTP receiver: signed, in feed order, at least once through a failing receiver and a
// server restart, paused without loss, the secret never answered or logged; on PostgreSQL, two instances deliver each event once.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { AGENT_CHANNEL_PATH, type ReportFrame, WebhookInfo, WebhookList } from "@wegroup/shared";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig, type Tuning } from "../config.js";
import { boot, type RunningServer } from "../server.js";
import { eventsAfter } from "../store/events.js";
import { TestAgent } from "../testing/agent-client.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { reportFrame, usbFail, usbPass } from "../testing/frames.js";
import { until } from "../testing/wait.js";
import { WebhookReceiver } from "../testing/webhook-receiver.js";

const SECRET = "siem-shared-secret-0123456789";
const FAST: Partial<Tuning> = {
  webhookRetryBaseMs: 40,
  webhookRetryMaxMs: 200,
  webhookPollMs: 50,
  enrollBurst: 1_000,
  enrollPerMinute: 1_000,
};

interface Instance {
  server: RunningServer;
  logs: string[];
  token: string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "compliance-webhooks-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A real server on `dataDir` (a restart reuses it), SQLite unless `db` is given. */
async function start(dataDir: string, db?: string): Promise<Instance> {
  const logs: string[] = [];
  const config = parseConfig({ listen: "127.0.0.1:0", dataDir, ...(db === undefined ? {} : { db }), logLevel: "debug" }, {}, dataDir, FAST);
  const logDestination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(
        ...chunk
          .toString("utf8")
          .split("\n")
          .filter((l) => l !== ""),
      );
      done();
    },
  });
  const server = await boot(config, { out: () => {}, logDestination });
  let stopped = false;
  cleanups.push(async () => {
    if (!stopped) await server.stop();
  });
  const stop = server.stop.bind(server);
  (server as { stop: () => Promise<void> }).stop = async () => {
    stopped = true;
    await stop();
  };
  return { server, logs, token: server.secrets.adminToken };
}

async function api(at: Instance, method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(`${at.server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${at.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

async function receiver(): Promise<WebhookReceiver> {
  const r = await WebhookReceiver.start();
  cleanups.push(() => r.close());
  return r;
}

/** An enrolled device connected to `at`, sending reports and waiting for their acks. */
async function device(at: Instance, hostname: string): Promise<(report: ReportFrame) => Promise<void>> {
  const res = await fetch(`${at.server.url}/api/v1/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ secret: at.server.secrets.enrollSecret, hostname, os: "linux", hardwareId: `hw-${hostname}` }),
  });
  const { deviceId, credential } = (await res.json()) as { deviceId: string; credential: string };
  const agent = await TestAgent.hello(`${at.server.url.replace(/^http/, "ws")}${AGENT_CHANNEL_PATH}`, deviceId, credential, {
    device: { hostname, platform: "linux", agentVersion: "1.0.0" },
  });
  cleanups.push(() => agent.close());
  return async (report) => {
    agent.send(report);
    await agent.ack(report.id, 30_000);
  };
}

async function hook(at: Instance, url: string, events = ["opened", "resolved", "exempted"]): Promise<WebhookInfo> {
  const created = await api(at, "POST", "/api/v1/webhooks", { url, secret: SECRET, events });
  expect(created.status).toBe(201);
  expect(created.text).not.toContain(SECRET);
  return WebhookInfo.parse(created.body);
}

async function state(at: Instance, id: string): Promise<WebhookInfo> {
  const list = WebhookList.parse((await api(at, "GET", "/api/v1/webhooks")).body);
  const found = list.items.find((h) => h.id === id);
  if (found === undefined) throw new Error(`webhook ${id} not listed`);
  return found;
}

/** The stored feed, oldest first: what every receiver must end up with, in this order. */
async function storedSeqs(at: Instance): Promise<number[]> {
  return (await eventsAfter(at.server.store.db, 0, 10_000)).map((e) => e.seq);
}

describe("webhooks on SQLite", () => {
  it("POSTs every feed event in order, signed with the hook's secret, with the event id, and never shows the secret again", async () => {
    const at = await start(await tempDir());
    const siem = await receiver();
    const created = await hook(at, siem.url);
    const send = await device(at, "hook-laptop");
    await send(reportFrame([usbFail("HOOK-1", "HOOK-2")]));
    await send(reportFrame([usbFail("HOOK-2")]));
    await send(reportFrame([usbPass()]));
    await until(() => siem.accepted.length === 4, 10_000, "four deliveries");

    const seqs = await storedSeqs(at);
    expect(siem.accepted.map((d) => d.payload.id)).toEqual(seqs);
    expect(siem.accepted.map((d) => [d.payload.event, d.payload.violation.subject])).toEqual([
      ["opened", "HOOK-1"],
      ["opened", "HOOK-2"],
      ["resolved", "HOOK-1"],
      ["resolved", "HOOK-2"],
    ]);
    expect(siem.allSignedWith(SECRET)).toBe(true);
    expect(siem.allSignedWith("some-other-secret-123")).toBe(false);
    expect(siem.accepted.map((d) => d.headers["x-compliance-event-id"])).toEqual(seqs.map(String));
    expect(siem.accepted.every((d) => d.headers["content-type"] === "application/json")).toBe(true);

    const listed = await api(at, "GET", "/api/v1/webhooks");
    expect(listed.text).not.toContain(SECRET);
    const delivery = (await state(at, created.id)).delivery;
    expect(delivery).toMatchObject({ lastEventId: seqs.at(-1), pending: 0, delivered: 4, failures: 0, attempts: 0, lastError: null });
    expect(at.logs.join("\n")).not.toContain(SECRET);
  });

  it("delivers only the event kinds asked for, skipping the others without losing its place", async () => {
    const at = await start(await tempDir());
    const siem = await receiver();
    const created = await hook(at, siem.url, ["resolved"]);
    const send = await device(at, "kinds-laptop");
    await send(reportFrame([usbFail("KIND-1")]));
    await send(reportFrame([usbPass()]));
    await until(() => siem.accepted.length === 1, 10_000, "the resolved event");
    await at.server.webhooks.settle();
    expect(siem.received.map((d) => [d.payload.event, d.payload.violation.subject])).toEqual([["resolved", "KIND-1"]]);
    expect((await state(at, created.id)).delivery).toMatchObject({ lastEventId: (await storedSeqs(at)).at(-1), pending: 0, delivered: 1 });
  });

  it("retries a receiver that fails for a while with growing waits, then delivers everything in order, each event until it was accepted", async () => {
    const at = await start(await tempDir());
    const siem = await receiver();
    siem.answer = ({ count }) => (count <= 4 ? 503 : 200);
    const created = await hook(at, siem.url);
    const send = await device(at, "flaky-laptop");
    await send(reportFrame([usbFail("FLAKY-1")]));
    await send(reportFrame([usbFail("FLAKY-1", "FLAKY-2")]));
    await until(async () => (await state(at, created.id)).delivery.failures >= 2, 10_000, "failures recorded");
    const failing = (await state(at, created.id)).delivery;
    expect(failing.lastError).toBe("HTTP 503");
    expect(failing.nextAttemptAt).not.toBeNull();
    expect(failing.pending).toBe(2);

    await until(() => siem.accepted.length === 2, 15_000, "both events accepted after the receiver recovered");
    const failed = siem.received.filter((d) => d.status === 503);
    expect(failed).toHaveLength(4);
    // Backoff (base 40 ms doubling, capped at 200 ms; each wait half to all of that): after 1, 3 and 4 failures in a row
    // the next attempt waits at least 20, 80 and 100 ms.
    const gaps = siem.received.slice(1).map((d, i) => d.at - siem.received[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(20);
    expect(gaps[2]).toBeGreaterThanOrEqual(80);
    expect(gaps[3]).toBeGreaterThanOrEqual(100);
    // The first event again and again until accepted, never the second before it.
    expect(failed.every((d) => d.payload.id === siem.accepted[0]!.payload.id)).toBe(true);
    expect(siem.accepted.map((d) => d.payload.id)).toEqual(await storedSeqs(at));
    expect((await state(at, created.id)).delivery).toMatchObject({ failures: 4, delivered: 2, attempts: 0, lastError: null, pending: 0 });
    expect(at.logs.some((l) => l.includes('"webhook delivery failed; retrying later"') && l.includes('"error":"HTTP 503"'))).toBe(true);
  });

  it("keeps its place across a restart while the receiver is down: after it, every event arrives once accepted, in order", async () => {
    const dataDir = await tempDir();
    const siem = await receiver();
    let down = true;
    siem.answer = () => (down ? 500 : 200);
    const first = await start(dataDir);
    const created = await hook(first, siem.url);
    const send = await device(first, "restart-laptop");
    await send(reportFrame([usbFail("RESTART-1")]));
    // The receiver is down; the server stops while retrying.
    await send(reportFrame([usbFail("RESTART-1", "RESTART-2")]));
    await send(reportFrame([usbFail("RESTART-2")]));
    await until(() => siem.received.length >= 1, 10_000, "an attempt that failed");
    await first.server.stop();
    const before = siem.received.length;

    down = false;
    const second = await start(dataDir);
    await until(() => siem.accepted.length === 3, 15_000, "the three stored events after the restart");
    expect(siem.received.length).toBeGreaterThan(before);
    expect(siem.accepted.map((d) => d.payload.id)).toEqual(await storedSeqs(second));
    expect(siem.accepted.map((d) => [d.payload.event, d.payload.violation.subject])).toEqual([
      ["opened", "RESTART-1"],
      ["opened", "RESTART-2"],
      ["resolved", "RESTART-1"],
    ]);
    expect((await state(second, created.id)).delivery).toMatchObject({ delivered: 3, pending: 0 });
  });

  it("pauses without losing anything: events stored meanwhile wait, and resuming delivers them in order", async () => {
    const at = await start(await tempDir());
    const siem = await receiver();
    const created = await hook(at, siem.url);
    const paused = await api(at, "POST", `/api/v1/webhooks/${created.id}/pause`);
    expect(paused.status).toBe(200);
    expect(WebhookInfo.parse(paused.body).paused).toBe(true);
    const send = await device(at, "pause-laptop");
    await send(reportFrame([usbFail("PAUSE-1", "PAUSE-2")]));
    await at.server.webhooks.settle();
    expect(siem.received).toHaveLength(0);
    expect((await state(at, created.id)).delivery.pending).toBe(2);

    const resumed = await api(at, "POST", `/api/v1/webhooks/${created.id}/resume`);
    expect(WebhookInfo.parse(resumed.body).paused).toBe(false);
    await until(() => siem.accepted.length === 2, 10_000, "the two events held while paused");
    expect(siem.accepted.map((d) => d.payload.id)).toEqual(await storedSeqs(at));
  });

  it("refuses a plain-http receiver off loopback, a short secret and an unknown kind, naming the field; deletes and audits", async () => {
    const at = await start(await tempDir());
    for (const [body, field] of [
      [{ url: "http://siem.example/hook", secret: SECRET, events: ["opened"] }, "url"],
      [{ url: "https://siem.example/hook", secret: "short", events: ["opened"] }, "secret"],
      [{ url: "https://siem.example/hook", secret: SECRET, events: ["updated"] }, "events"],
      [{ url: "https://siem.example/hook", secret: SECRET, events: [] }, "events"],
    ] as const) {
      const answer = await api(at, "POST", "/api/v1/webhooks", body);
      expect(answer.status).toBe(400);
      expect(answer.text).toContain(field);
    }
    const created = await hook(at, "https://siem.example/hook");
    expect((await api(at, "DELETE", `/api/v1/webhooks/${created.id}`)).status).toBe(204);
    expect((await api(at, "DELETE", `/api/v1/webhooks/${created.id}`)).status).toBe(404);
    expect(WebhookList.parse((await api(at, "GET", "/api/v1/webhooks")).body).items).toHaveLength(0);
    const audit = await api(at, "GET", "/api/v1/audit?action=webhook.create");
    expect(audit.text).toContain(`webhook ${created.id}`);
    expect(audit.text).not.toContain(SECRET);
  });
});

describe("webhooks on PostgreSQL, two instances", () => {
  const postgres = TEST_DATABASES.find((d) => d.name === "postgres");
  if (postgres === undefined) throw new Error("no postgres test database");

  it("delivers each event once, in feed order, whichever instance ingested it", async () => {
    const database: TestDatabase = await postgres.create();
    cleanups.push(() => database.dispose());
    if (database.target.kind !== "postgres") throw new Error("expected PostgreSQL");
    const a = await start(await tempDir(), database.target.url);
    const b = await start(await tempDir(), database.target.url);
    const siem = await receiver();
    const created = await hook(a, siem.url);
    const onA = await device(a, "pg-laptop-a");
    const onB = await device(b, "pg-laptop-b");
    for (let i = 0; i < 10; i++) {
      await Promise.all([onA(reportFrame([usbFail(`A-${i}`)])), onB(reportFrame([usbFail(`B-${i}`)]))]);
    }
    await Promise.all([onA(reportFrame([usbPass()])), onB(reportFrame([usbPass()]))]);
    const seqs = await storedSeqs(a);
    expect(seqs).toHaveLength(40);
    await until(() => siem.received.length >= 40, 20_000, "forty deliveries");
    await Promise.all([a.server.webhooks.settle(), b.server.webhooks.settle()]);
    expect(siem.received.map((d) => d.payload.id)).toEqual(seqs);
    expect((await state(b, created.id)).delivery).toMatchObject({ delivered: 40, pending: 0, lastEventId: seqs.at(-1) });
  });

  it("waits out the lease of an instance that died holding a hook, then delivers from where it stood", async () => {
    const database: TestDatabase = await postgres.create();
    cleanups.push(() => database.dispose());
    if (database.target.kind !== "postgres") throw new Error("expected PostgreSQL");
    const a = await start(await tempDir(), database.target.url);
    const siem = await receiver();
    const created = await hook(a, siem.url);
    // An instance that crashed mid-delivery: its claim stands until it expires (the server's clock decides).
    const leaseUntil = new Date(Date.now() + 1_500).toISOString();
    await a.server.store.db
      .updateTable("webhooks")
      .set({ lease_owner: "instance-that-died", lease_until: leaseUntil })
      .where("id", "=", created.id)
      .execute();
    const send = await device(a, "lease-laptop");
    await send(reportFrame([usbFail("LEASE-1", "LEASE-2")]));
    await a.server.webhooks.settle();
    expect(siem.received).toHaveLength(0);
    await until(() => siem.accepted.length === 2, 10_000, "the two events after the dead instance's lease expired");
    expect(siem.accepted[0]!.at).toBeGreaterThanOrEqual(Date.parse(leaseUntil));
    expect(siem.accepted.map((d) => d.payload.id)).toEqual(await storedSeqs(a));
  });
});
