// Agent presence against real databases: agent-silent within seconds of a "stopped" goodbye, after maxOfflineDays unseen,
// for a returning agent's gap in the same OS boot; never for sleep, shutdown or upgrade; once across instances; resolved by any frame.
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
import { queryViolations } from "../store/violations.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { SilentWatchdog } from "../watch/silent.js";

const HEARTBEAT = 60;
/** After a start, the watchdog waits 3 heartbeats before it raises an unseen device. */
const GRACE_MS = 3 * HEARTBEAT * 1000;
/** maxOfflineDays of the default policy. */
const SILENCE_MS = 14 * 86_400_000;

describe.each(TEST_DATABASES)("agent-silent on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  const clock = new ManualClock("2025-03-01T12:00:00.000Z");
  const policy = new CurrentPolicy({ ...DEFAULT_POLICY, heartbeatSeconds: HEARTBEAT });
  const newId = monotonicIds(clock);
  const bus = new EventBus();
  const heard: ViolationEvent[] = [];
  bus.subscribe((e) => heard.push(e));
  const watchdog = (s: Store = store, b: EventBus = bus) =>
    new SilentWatchdog({ store: s, clock, policy, bus: b, newId, logger: pino({ level: "silent" }) });

  const device = async (hostname: string): Promise<string> =>
    (
      await enrollDevice(store.db, {
        newId: uuidv7(),
        hardwareId: `hw-${uuidv7()}`,
        hostname,
        os: "linux",
        credentialHash: hashSecret("x"),
        now: clock.now().toISOString(),
      })
    ).deviceId;
  const frame = async (deviceId: string, extra: Partial<DeviceActivity> = {}): Promise<ViolationEvent[]> => {
    const ctx = { now: () => clock.now().toISOString(), newId, dialect: store.dialect };
    const out = await store.db
      .transaction()
      .execute((trx) =>
        applyBatch(trx, [{ kind: "activity", activity: { deviceId, lastSeen: clock.now().toISOString(), ...extra } }], ctx),
      );
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

  it("raises nothing during the grace after the start, then raises for a device unseen for more than maxOfflineDays", async () => {
    const d = await device("silent-grace");
    await frame(d);
    const lastSeen = clock.now().toISOString();
    clock.advance(SILENCE_MS * 10);
    const w = watchdog(); // starts now: agents get 3 heartbeats to come back
    expect(mine(await w.sweep(), d)).toEqual([]);
    clock.advance(GRACE_MS);
    const raised = mine(await w.sweep(), d);
    expect(raised.map((e) => [e.kind, e.violation.check, e.violation.subject, e.violation.status, e.violation.message])).toEqual([
      ["opened", "agent-silent", "agent", "open", `no heartbeat since ${lastSeen}`],
    ]);
    expect(raised[0]?.violation.hostname).toBe("silent-grace");
    expect(mine(await w.sweep(), d)).toEqual([]);
    expect(await silentRows(d)).toHaveLength(1);
  });

  it("raises within seconds of a service-stop or uninstall goodbye (not during a restart's moment), and says the agent stopped", async () => {
    const w = watchdog();
    const [stopped, removed] = [await device("silent-goodbye"), await device("silent-uninstall")];
    const saidAt = clock.now().toISOString();
    await frame(stopped, { goodbyeAt: saidAt, goodbyeReason: "service-stop" });
    await frame(removed, { goodbyeAt: saidAt, goodbyeReason: "uninstall" });
    clock.advance(1_500);
    expect(mine(await w.sweep(), stopped, removed)).toEqual([]);
    clock.advance(1_000);
    const raised = mine(await w.sweep(), stopped, removed);
    expect(raised.map((e) => [e.violation.deviceId, e.violation.message, e.violation.observed]).sort()).toEqual(
      [
        [stopped, "agent stopped on the device", `last frame: goodbye (service-stop) at ${saidAt}`],
        [removed, "agent stopped on the device", `last frame: goodbye (uninstall) at ${saidAt}`],
      ].sort(),
    );
  });

  it("raises nothing for a stop that was a restart (a frame followed the goodbye)", async () => {
    const w = watchdog();
    const d = await device("silent-restart");
    await frame(d, { goodbyeAt: clock.now().toISOString(), goodbyeReason: "service-stop" });
    clock.advance(1_500);
    await frame(d, { policyVersion: 1 });
    clock.advance(5_000);
    expect(mine(await w.sweep(), d)).toEqual([]);
  });

  it("raises nothing for sleep, shutdown or an upgrade until maxOfflineDays have passed", async () => {
    const w = watchdog();
    clock.advance(GRACE_MS);
    const ids = await Promise.all(["system-sleep", "system-shutdown", "upgrade"].map((reason) => device(`silent-${reason}`)));
    const reasons = ["system-sleep", "system-shutdown", "upgrade"];
    for (const [i, id] of ids.entries()) await frame(id, { goodbyeAt: clock.now().toISOString(), goodbyeReason: reasons[i] ?? "" });
    clock.advance(SILENCE_MS - 1_000);
    expect(mine(await w.sweep(), ...ids)).toEqual([]);
    clock.advance(2_000);
    expect(mine(await w.sweep(), ...ids).map((e) => e.violation.message.replace(/since .*/, "since …"))).toEqual(
      ids.map(() => "no heartbeat since …"),
    );
  });

  it("records a returning agent's gap in the same OS boot once, opened when it was last alive and resolved at its return", async () => {
    const d = await device("gap-laptop");
    const run1 = clock.now().toISOString();
    await frame(d, { run: { startedAt: run1, bootId: "boot-a" } });
    const lastAlive = new Date(clock.now().getTime() + 60_000).toISOString();
    clock.advance(47 * 60_000 + 60_000);
    const back = clock.now().toISOString();
    const run2 = {
      startedAt: back,
      bootId: "boot-a",
      previous: { bootId: "boot-a", startedAt: run1, lastAliveAt: lastAlive, endedWith: null },
    };
    const events = await frame(d, { run: run2 });
    expect(events.map((e) => [e.kind, e.violation.status, e.violation.message, e.violation.firstSeen, e.violation.resolvedAt])).toEqual([
      ["opened", "open", "agent was not running for 47 min while the OS was up", lastAlive, null],
      ["resolved", "resolved", "agent was not running for 47 min while the OS was up", lastAlive, back],
    ]);
    // The same run reconnecting (or another instance hearing it) says it again: recorded once.
    clock.advance(5_000);
    expect(await frame(d, { run: run2 })).toEqual([]);
    expect((await silentRows(d)).map((r) => [r.status, r.message])).toEqual([
      ["resolved", "agent was not running for 47 min while the OS was up"],
    ]);
  });

  it("records nothing for a return after a new boot, a goodbye, or without boot ids", async () => {
    const cases = [
      { bootId: "boot-b", previous: { bootId: "boot-a", endedWith: null } },
      { bootId: "boot-a", previous: { bootId: "boot-a", endedWith: "system-shutdown" as const } },
      { previous: { endedWith: null } },
    ];
    for (const [i, c] of cases.entries()) {
      const d = await device(`no-gap-${i}`);
      const startedAt = clock.now().toISOString();
      clock.advance(3_600_000);
      const events = await frame(d, {
        run: {
          startedAt: clock.now().toISOString(),
          ...(c.bootId === undefined ? {} : { bootId: c.bootId }),
          previous: { ...c.previous, startedAt, lastAliveAt: startedAt },
        },
      });
      expect(events, JSON.stringify(c)).toEqual([]);
    }
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
    expect(resolved.map((e) => [e.kind, e.violation.check, e.violation.status, e.violation.resolvedAt])).toEqual([
      ["resolved", "agent-silent", "resolved", back],
    ]);
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
    await exemptions.create(
      {
        device: d,
        check: "agent-silent",
        subject: "agent",
        reason: "laptop in repair",
        approvedBy: "CISO",
        expiresAt: new Date(clock.now().getTime() + 30 * 86_400_000).toISOString(),
      },
      "it",
    );
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
