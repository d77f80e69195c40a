// The ingest transaction against real databases: reports stored once, transitions persisted, events numbered.
import { type ReportFrame, uuidv7, type ViolationEvent } from "@wegroup/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import { ManualClock } from "../clock.js";
import { EventBus } from "../events/bus.js";
import { monotonicIds } from "../ids.js";
import { listCheckStates } from "../store/check-states.js";
import type { Store } from "../store/db.js";
import { enrollDevice, findDevice } from "../store/devices.js";
import { eventsAfter } from "../store/events.js";
import { countReports } from "../store/reports.js";
import { queryViolations } from "../store/violations.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { reportFrame, usbFail, usbPass } from "../testing/frames.js";
import { applyBatch, effectiveObservedAt, type IngestItem } from "../ingest/apply.js";
import { Ingest } from "../ingest/ingest.js";

const at = (minute: number) => new Date(Date.UTC(2025, 2, 1, 10, minute)).toISOString();

describe.each(TEST_DATABASES)("ingest on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  const clock = new ManualClock("2025-03-01T12:00:00.000Z");
  const ctx = { now: () => clock.now().toISOString(), newId: monotonicIds(clock) };

  const device = async (hostname = "ingest-host"): Promise<string> =>
    (
      await enrollDevice(store.db, {
        newId: uuidv7(),
        hardwareId: `hw-${Math.random()}`,
        hostname,
        os: "linux",
        credentialHash: hashSecret("x"),
        now: at(0),
      })
    ).deviceId;
  const item = (deviceId: string, report: ReportFrame): IngestItem => ({
    kind: "report",
    deviceId,
    report,
    receivedAt: clock.now().toISOString(),
  });
  const apply = (items: IngestItem[]) => store.db.transaction().execute((trx) => applyBatch(trx, items, ctx));
  const violationsOf = (deviceId: string) => queryViolations(store.db, { status: "all", deviceId, limit: 100 });

  beforeAll(async () => {
    database = await kind.create();
    store = await database.openStore();
  });
  afterAll(async () => {
    await store?.close();
    await database?.dispose();
  });

  it("opens a violation for a failing report and records an opened event with a sequence number", async () => {
    const d = await device("opener");
    const out = await apply([item(d, reportFrame([usbFail("SER-1")], { observedAt: at(1) }))]);
    expect(out.results).toEqual([{ kind: "report", stored: true, outdated: false }]);
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({
      kind: "opened",
      violation: { deviceId: d, hostname: "opener", subject: "SER-1", status: "open", firstSeen: at(1), lastSeen: at(1) },
    });
    expect(await violationsOf(d)).toMatchObject([{ subject: "SER-1", status: "open" }]);
    expect(await eventsAfter(store.db, (out.events[0]?.seq ?? 1) - 1, 10)).toEqual(out.events);
  });

  it("stores a resent report once and changes nothing the second time", async () => {
    const d = await device();
    const report = reportFrame([usbFail("SER-2")], { observedAt: at(1) });
    await apply([item(d, report)]);
    const again = await apply([item(d, report)]);
    expect(again.results).toEqual([{ kind: "report", stored: false, outdated: false }]);
    expect(again.events).toEqual([]);
    expect(await countReports(store.db, d)).toBe(1);
    expect(await violationsOf(d)).toHaveLength(1);
  });

  it("stores a report twice in one batch once", async () => {
    const d = await device();
    const report = reportFrame([usbFail("SER-3")], { observedAt: at(1) });
    const out = await apply([item(d, report), item(d, report)]);
    expect(out.results).toEqual([
      { kind: "report", stored: true, outdated: false },
      { kind: "report", stored: false, outdated: false },
    ]);
    expect(await countReports(store.db, d)).toBe(1);
    expect(out.events).toHaveLength(1);
  });

  it("updates lastSeen on a repeated failure without an event, resolves on a pass, reopens as a new row", async () => {
    const d = await device();
    await apply([item(d, reportFrame([usbFail("SER-4")], { observedAt: at(1) }))]);
    const repeat = await apply([item(d, reportFrame([usbFail("SER-4")], { observedAt: at(2) }))]);
    expect(repeat.events).toEqual([]);
    expect(repeat.transitions.map((t) => t.kind)).toEqual(["updated"]);
    expect(await violationsOf(d)).toMatchObject([{ status: "open", firstSeen: at(1), lastSeen: at(2) }]);

    const pass = await apply([item(d, reportFrame([usbPass()], { observedAt: at(3) }))]);
    expect(pass.events.map((e) => [e.kind, e.violation.status, e.violation.resolvedAt])).toEqual([["resolved", "resolved", at(3)]]);

    const reopen = await apply([item(d, reportFrame([usbFail("SER-4")], { observedAt: at(4) }))]);
    expect(reopen.events.map((e) => e.kind)).toEqual(["opened"]);
    const rows = await violationsOf(d);
    expect(rows.map((r) => [r.status, r.firstSeen])).toEqual([
      ["open", at(4)],
      ["resolved", at(1)],
    ]);
    expect(rows[0]?.id).not.toBe(rows[1]?.id);
  });

  it("resolves and reopens within one batch without tripping the one-lasting-row rule", async () => {
    const d = await device();
    const out = await apply([
      item(d, reportFrame([usbFail("SER-5")], { observedAt: at(1) })),
      item(d, reportFrame([usbPass()], { observedAt: at(2) })),
      item(d, reportFrame([usbFail("SER-5")], { observedAt: at(3) })),
    ]);
    expect(out.events.map((e) => e.kind)).toEqual(["opened", "resolved", "opened"]);
    expect(out.events.map((e) => e.seq)).toEqual([...out.events.map((e) => e.seq)].sort((a, b) => a - b));
    expect((await violationsOf(d)).map((r) => r.status)).toEqual(["open", "resolved"]);
  });

  it("lets an unknown result change no violation but keeps it as the latest result", async () => {
    const d = await device();
    await apply([item(d, reportFrame([usbFail("SER-6")], { observedAt: at(1) }))]);
    const out = await apply([
      item(d, reportFrame([{ check: "usb-storage", status: "unknown", violations: [], reason: "lsblk missing" }], { observedAt: at(2) })),
    ]);
    expect(out.transitions).toEqual([]);
    expect(await violationsOf(d)).toMatchObject([{ status: "open", lastSeen: at(1) }]);
    expect(await listCheckStates(store.db, d)).toMatchObject([{ check: "usb-storage", status: "unknown", observed_at: at(2) }]);
  });

  it("stores a report older than the last applied one but lets it change nothing", async () => {
    const d = await device();
    await apply([item(d, reportFrame([usbFail("SER-7")], { observedAt: at(5) }))]);
    const late = await apply([item(d, reportFrame([usbPass()], { observedAt: at(4) }))]);
    expect(late.results).toEqual([{ kind: "report", stored: true, outdated: false }]);
    expect(late.transitions).toEqual([]);
    expect(await countReports(store.db, d)).toBe(2);
    expect(await violationsOf(d)).toMatchObject([{ status: "open" }]);
    expect(await listCheckStates(store.db, d)).toMatchObject([{ status: "fail", observed_at: at(5) }]);
  });

  it("keeps the checks of one report apart and leaves unlisted checks as they are", async () => {
    const d = await device();
    const software = {
      check: "software" as const,
      status: "fail" as const,
      violations: [{ subject: "nmap", message: "denied", observed: "nmap 7.94", expected: "not installed", rule: "nmap" }],
    };
    await apply([item(d, reportFrame([usbFail("SER-8"), software], { observedAt: at(1) }))]);
    await apply([item(d, reportFrame([usbPass()], { observedAt: at(2) }))]);
    const rows = await violationsOf(d);
    expect(rows.map((r) => [r.check, r.status]).sort()).toEqual([
      ["software", "open"],
      ["usb-storage", "resolved"],
    ]);
  });

  it("normalises observation times with offsets to UTC", async () => {
    const d = await device();
    await apply([item(d, reportFrame([usbFail("SER-9")], { observedAt: "2025-03-01T12:01:00+02:00" }))]);
    expect((await violationsOf(d))[0]?.firstSeen).toBe("2025-03-01T10:01:00.000Z");
  });

  it("merges the activity of many frames into one device update", async () => {
    const d = await device();
    const out = await apply([
      { kind: "activity", activity: { deviceId: d, lastSeen: at(1), agentVersion: "1.0.0", hostname: "renamed" } },
      { kind: "activity", activity: { deviceId: d, lastSeen: at(3), policyVersion: 2 } },
      { kind: "activity", activity: { deviceId: d, lastSeen: at(2), goodbyeAt: at(2), goodbyeReason: "service-stop" } },
    ]);
    expect(out.results).toEqual([{ kind: "activity" }, { kind: "activity" }, { kind: "activity" }]);
    expect(await findDevice(store.db, d)).toMatchObject({
      last_seen: at(3),
      agent_version: "1.0.0",
      hostname: "renamed",
      policy_version: 2,
      goodbye_reason: "service-stop",
    });
  });

  describe("reports judged by an older policy than the device has been sent", () => {
    const sent = (deviceId: string, version: number): IngestItem => ({
      kind: "activity",
      activity: { deviceId, lastSeen: clock.now().toISOString(), policySentVersion: version },
    });

    it("stores them (so they are acknowledged) but lets them open, resolve or record nothing", async () => {
      const d = await device("re-judged");
      await apply([item(d, reportFrame([usbFail("SER-P1")], { observedAt: at(1), policyVersion: 1 }))]);
      await apply([sent(d, 2)]);
      const old = await apply([item(d, reportFrame([usbFail("SER-P2")], { observedAt: at(2), policyVersion: 1 }))]);
      expect(old.results).toEqual([{ kind: "report", stored: true, outdated: true }]);
      expect(old.transitions).toEqual([]);
      expect(old.events).toEqual([]);
      expect(await countReports(store.db, d)).toBe(2);
      expect(await violationsOf(d)).toMatchObject([{ subject: "SER-P1", status: "open", lastSeen: at(1) }]);
      expect(await listCheckStates(store.db, d)).toMatchObject([{ check: "usb-storage", observed_at: at(1) }]);

      // The agent judges again under version 2: that report counts.
      const rejudged = await apply([item(d, reportFrame([usbPass()], { observedAt: at(3), policyVersion: 2 }))]);
      expect(rejudged.results).toEqual([{ kind: "report", stored: true, outdated: false }]);
      expect(rejudged.events.map((e) => [e.kind, e.violation.subject])).toEqual([["resolved", "SER-P1"]]);
    });

    const judged = (deviceId: string, policyVersion: number, policySentVersion?: number): IngestItem => ({
      ...(item(deviceId, reportFrame([usbFail("S")], { policyVersion })) as Extract<IngestItem, { kind: "report" }>),
      ...(policySentVersion === undefined ? {} : { policySentVersion }),
    });
    it.each<[string, number | undefined, (d: string) => IngestItem[], boolean]>([
      ["outdated: a newer version recorded before", 4, (d) => [judged(d, 3)], true],
      ["outdated: a welcome recorded earlier in the same batch", undefined, (d) => [sent(d, 4), judged(d, 3)], true],
      ["outdated: a push the connection sent that storage has not recorded yet", 1, (d) => [judged(d, 3, 4)], true],
      ["current: the version the device was sent", 4, (d) => [judged(d, 4)], false],
      ["current: a version newer than the one sent", 4, (d) => [judged(d, 5)], false],
      ["current: nothing sent yet (a device from before this was recorded)", undefined, (d) => [judged(d, 0)], false],
    ])("%s", async (_name, storedBefore, items, outdated) => {
      const d = await device();
      if (storedBefore !== undefined) await apply([sent(d, storedBefore)]);
      const out = await apply(items(d));
      expect(out.results.filter((r) => r.kind === "report")).toEqual([{ kind: "report", stored: true, outdated }]);
      expect(out.events.length).toBe(outdated ? 0 : 1);
    });

    it("never lowers the newest version sent, and a report judged by an older policy does not lower the device's policy version", async () => {
      const d = await device();
      await apply([sent(d, 5), { kind: "activity", activity: { deviceId: d, lastSeen: at(1), policyVersion: 5 } }]);
      await apply([sent(d, 3), item(d, reportFrame([usbFail("S")], { policyVersion: 2 }))]);
      expect(await findDevice(store.db, d)).toMatchObject({ policy_sent_version: 5, policy_version: 5 });
      // A report judged by a newer version than the device is known to run shows the agent runs at least that.
      await apply([item(d, reportFrame([usbFail("S")], { policyVersion: 6 }))]);
      expect((await findDevice(store.db, d))?.policy_version).toBe(6);
      // What the agent says it runs is taken as said (a hello after it lost its cached policy).
      await apply([{ kind: "activity", activity: { deviceId: d, lastSeen: at(2), policyVersion: 0 } }]);
      expect((await findDevice(store.db, d))?.policy_version).toBe(0);
    });
  });

  it("publishes events only after the batch committed, and acknowledges through the batcher", async () => {
    const d = await device();
    const bus = new EventBus();
    const heard: ViolationEvent[] = [];
    bus.subscribe((e) => heard.push(e));
    const ingest = new Ingest(store, clock, bus, { maxItems: 10, maxDelayMs: 1 });
    const report = reportFrame([usbFail("SER-10")], { observedAt: at(1) });
    const results = await Promise.all([
      ingest.report(d, report, clock.now()),
      ingest.report(d, report, clock.now()),
      ingest.activity({ deviceId: d, lastSeen: at(1) }),
    ]);
    expect(
      results
        .slice(0, 2)
        .map((r) => r?.stored)
        .sort(),
    ).toEqual([false, true]);
    expect(heard.map((e) => [e.kind, e.violation.subject])).toEqual([["opened", "SER-10"]]);
    // Whoever hears the event can already read it back.
    expect((await eventsAfter(store.db, (heard[0]?.seq ?? 1) - 1, 1))[0]?.violation.id).toBe(heard[0]?.violation.id);
    await ingest.close();
  });
});

describe("effectiveObservedAt", () => {
  it.each([
    ["an ordinary past time, normalised", "2025-03-01T11:00:00+01:00", "2025-03-01T10:00:00.000Z"],
    ["a time a little ahead (clock skew within 5 min)", "2025-03-01T12:04:00.000Z", "2025-03-01T12:04:00.000Z"],
    ["a time far ahead: the receive time instead", "2025-03-02T12:00:00.000Z", "2025-03-01T12:00:00.000Z"],
  ])("keeps %s", (_name, observed, expected) => {
    expect(effectiveObservedAt(observed, "2025-03-01T12:00:00.000Z")).toBe(expected);
  });
});
