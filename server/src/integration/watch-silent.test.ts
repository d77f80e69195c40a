// The agent-silent watchdog against real databases: raised after 3 heartbeats with the right message, once across instances, resolved by any frame.
import { DEFAULT_POLICY, uuidv7, type ViolationEvent } from "@wegroup/shared";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import { ManualClock } from "../clock.js";
import { EventBus } from "../events/bus.js";
import { Exemptions } from "../exemptions/service.js";
import { monotonicIds } from "../ids.js";
import { applyBatch } from "../ingest/apply.js";
import { CurrentPolicy } from "../policy/current.js";
import type { Store } from "../store/db.js";
import type { DeviceActivity } from "../store/devices.js";
import { enrollDevice } from "../store/devices.js";
import type { SilentDevice } from "../store/silent.js";
import { queryViolations } from "../store/violations.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { SilentWatchdog, silentViolationText } from "../watch/silent.js";

const HEARTBEAT = 60;
const SILENCE_MS = 3 * HEARTBEAT * 1000;

describe("silentViolationText", () => {
  const d = (over: Partial<SilentDevice>): SilentDevice => ({
    id: "d",
    hostname: "h",
    lastSeen: "2025-03-01T10:00:00.000Z",
    enrolledAt: "2025-02-01T00:00:00.000Z",
    goodbyeAt: null,
    goodbyeReason: null,
    ...over,
  });
  it.each<[string, Partial<SilentDevice>, string, RegExp]>([
    ["missed heartbeats", {}, "no heartbeat since 2025-03-01T10:00:00.000Z", /last frame at 2025-03-01T10:00:00.000Z/],
    ["a goodbye as the last frame", { goodbyeAt: "2025-03-01T10:00:00.000Z", goodbyeReason: "service-stop" }, "agent stopped on the device", /goodbye \(service-stop\)/],
    ["a goodbye stamped a moment before its lastSeen", { goodbyeAt: "2025-03-01T09:59:59.999Z", goodbyeReason: "uninstall" }, "agent stopped on the device", /uninstall/],
    ["a goodbye followed by later frames", { goodbyeAt: "2025-03-01T09:00:00.000Z", goodbyeReason: "reboot" }, "no heartbeat since 2025-03-01T10:00:00.000Z", /last frame at/],
    ["an agent that never connected", { lastSeen: null }, "no heartbeat since 2025-02-01T00:00:00.000Z", /since enrollment/],
  ])("words %s", (_name, over, message, observed) => {
    const text = silentViolationText(d(over), HEARTBEAT);
    expect(text.message).toBe(message);
    expect(text.observed).toMatch(observed);
    expect(text.expected).toBe("a frame at least every 180 s (heartbeat every 60 s)");
  });
});

describe.each(TEST_DATABASES)("agent-silent on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  const clock = new ManualClock("2025-03-01T12:00:00.000Z");
  const policy = new CurrentPolicy({ ...DEFAULT_POLICY, heartbeatSeconds: HEARTBEAT });
  const newId = monotonicIds(clock);
  const bus = new EventBus();
  const heard: ViolationEvent[] = [];
  bus.subscribe((e) => heard.push(e));
  const watchdog = (s: Store = store, b: EventBus = bus) => new SilentWatchdog({ store: s, clock, policy, bus: b, newId, logger: pino({ level: "silent" }) });

  const device = async (hostname: string): Promise<string> =>
    (await enrollDevice(store.db, { newId: uuidv7(), hardwareId: `hw-${uuidv7()}`, hostname, os: "linux", credentialHash: hashSecret("x"), now: clock.now().toISOString() })).deviceId;
  const frame = async (deviceId: string, extra: Partial<DeviceActivity> = {}): Promise<ViolationEvent[]> => {
    const ctx = { now: () => clock.now().toISOString(), newId, dialect: store.dialect };
    const out = await store.db.transaction().execute((trx) => applyBatch(trx, [{ kind: "activity", activity: { deviceId, lastSeen: clock.now().toISOString(), ...extra } }], ctx));
    return out.events;
  };
  const silentRows = (deviceId: string) => queryViolations(store.db, { status: "all", deviceId, check: "agent-silent", limit: 100 });
  const mine = (events: ViolationEvent[], ...ids: string[]) => events.filter((e) => ids.includes(e.violation.deviceId));

  beforeAll(async () => {
    database = await kind.create();
    store = await database.openStore();
  });
  afterAll(async () => {
    await store?.close();
    await database?.dispose();
  });

  it("raises nothing during the first silence period after the start, then raises for a silent device", async () => {
    const d = await device("silent-grace");
    await frame(d);
    const lastSeen = clock.now().toISOString();
    clock.advance(SILENCE_MS * 10);
    const w = watchdog(); // starts now: agents get one silence period to come back
    expect(mine(await w.sweep(), d)).toEqual([]);
    clock.advance(SILENCE_MS);
    const raised = mine(await w.sweep(), d);
    expect(raised.map((e) => [e.kind, e.violation.check, e.violation.subject, e.violation.status, e.violation.message])).toEqual([
      ["opened", "agent-silent", "agent", "open", `no heartbeat since ${lastSeen}`],
    ]);
    expect(raised[0]?.violation.hostname).toBe("silent-grace");
    expect(mine(await w.sweep(), d)).toEqual([]);
    expect(await silentRows(d)).toHaveLength(1);
  });

  it("raises only after 3 heartbeat intervals of silence, and says a stopped agent stopped", async () => {
    const w = watchdog();
    clock.advance(SILENCE_MS); // past the grace period
    const d = await device("silent-goodbye");
    await frame(d, { goodbyeAt: clock.now().toISOString(), goodbyeReason: "service-stop" });
    clock.advance(SILENCE_MS - 1_000);
    expect(mine(await w.sweep(), d)).toEqual([]);
    clock.advance(2_000);
    expect(mine(await w.sweep(), d).map((e) => e.violation.message)).toEqual(["agent stopped on the device"]);
  });

  it("resolves it when the device sends any frame, once, and raises it anew after the next silence", async () => {
    const w = watchdog();
    clock.advance(SILENCE_MS);
    const d = await device("silent-back");
    await frame(d);
    clock.advance(SILENCE_MS + 1_000);
    await w.sweep();
    const back = clock.now().toISOString();
    const resolved = await frame(d, { policyVersion: 1 });
    expect(resolved.map((e) => [e.kind, e.violation.check, e.violation.status, e.violation.resolvedAt])).toEqual([["resolved", "agent-silent", "resolved", back]]);
    expect(await frame(d)).toEqual([]);
    clock.advance(SILENCE_MS + 1_000);
    expect(mine(await w.sweep(), d)).toHaveLength(1);
    expect((await silentRows(d)).map((r) => r.status).sort()).toEqual(["open", "resolved"]);
  });

  it("opens it as exempted when an exemption covers agent-silent for the device", async () => {
    const exemptions = new Exemptions({ store, clock, bus, newId, logger: pino({ level: "silent" }) });
    const w = watchdog();
    clock.advance(SILENCE_MS);
    const d = await device("silent-exempt");
    await frame(d);
    await exemptions.create({ device: d, check: "agent-silent", subject: "agent", reason: "laptop in repair", approvedBy: "CISO", expiresAt: new Date(clock.now().getTime() + 30 * 86_400_000).toISOString() }, "it");
    clock.advance(SILENCE_MS + 1_000);
    expect(mine(await w.sweep(), d).map((e) => [e.kind, e.violation.status])).toEqual([["exempted", "exempted"]]);
  });

  it("raises once per device when several instances sweep at the same moment", async () => {
    const others = kind.name === "postgres" ? await Promise.all([database.openStore(), database.openStore()]) : [];
    try {
      const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => device(`silent-many-${i}`)));
      for (const id of ids) await frame(id);
      const watchdogs = [watchdog(), ...others.map((s) => watchdog(s))];
      clock.advance(SILENCE_MS * 2);
      const results = await Promise.all([...watchdogs, ...watchdogs].map((w) => w.sweep()));
      const raised = mine(results.flat(), ...ids);
      expect(raised.map((e) => e.violation.deviceId).sort()).toEqual([...ids].sort());
      for (const id of ids) expect(await silentRows(id)).toHaveLength(1);
    } finally {
      await Promise.all(others.map((s) => s.close()));
    }
  });
});
