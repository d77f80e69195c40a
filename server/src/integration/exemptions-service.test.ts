// Exemptions against real databases (SQLite and PostgreSQL): rows exempted and reopened with events, audited, expired once across instances.
import { type CheckResult, type ReportFrame, uuidv7, type ViolationEvent } from "@wegroup/shared";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import { ManualClock } from "../clock.js";
import { EventBus } from "../events/bus.js";
import { monotonicIds } from "../ids.js";
import { applyBatch } from "../ingest/apply.js";
import { queryAudit } from "../store/audit.js";
import type { Store } from "../store/db.js";
import { enrollDevice } from "../store/devices.js";
import { findExemption } from "../store/exemptions.js";
import { queryViolations } from "../store/violations.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { reportFrame, usbFail, usbPass } from "../testing/frames.js";
import { Exemptions } from "../exemptions/service.js";

const START = "2025-03-01T12:00:00.000Z";
const inHours = (clock: ManualClock, h: number) => new Date(clock.now().getTime() + h * 3_600_000).toISOString();

const software = (...names: string[]): CheckResult => ({
  check: "software",
  status: "fail",
  violations: names.map((n) => ({
    subject: n,
    message: `${n} is denied`,
    observed: `${n} 1.0`,
    expected: "not installed",
    rule: `deny-${n}`,
  })),
});

describe.each(TEST_DATABASES)("exemptions on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  const clock = new ManualClock(START);
  const bus = new EventBus();
  const heard: ViolationEvent[] = [];
  bus.subscribe((e) => heard.push(e));
  let exemptions: Exemptions;
  const newId = monotonicIds(clock);

  const device = async (hostname: string): Promise<string> =>
    (
      await enrollDevice(store.db, {
        newId: uuidv7(),
        hardwareId: `hw-${uuidv7()}`,
        hostname,
        os: "linux",
        credentialHash: hashSecret("x"),
        now: START,
      })
    ).deviceId;
  const report = async (deviceId: string, results: CheckResult[]): Promise<ViolationEvent[]> => {
    const frame: ReportFrame = reportFrame(results, { observedAt: clock.now().toISOString() });
    const ctx = { now: () => clock.now().toISOString(), newId, dialect: store.dialect };
    const out = await store.db
      .transaction()
      .execute((trx) => applyBatch(trx, [{ kind: "report", deviceId, report: frame, receivedAt: clock.now().toISOString() }], ctx));
    clock.advance(1_000);
    return out.events;
  };
  const rows = (deviceId: string) => queryViolations(store.db, { status: "all", deviceId, limit: 100 });
  const since = (n: number) => heard.slice(n).map((e) => [e.kind, e.violation.subject, e.violation.status]);
  const base = (deviceId: string, over: object = {}) => ({
    device: deviceId,
    check: "usb-storage" as const,
    subject: "SER-*",
    reason: "approved test rig",
    approvedBy: "CISO",
    expiresAt: inHours(clock, 24),
    ...over,
  });

  beforeAll(async () => {
    database = await kind.create();
    store = await database.openStore();
    exemptions = new Exemptions({ store, clock, bus, newId, logger: pino({ level: "silent" }) });
  });
  afterAll(async () => {
    await exemptions?.stop();
    await store?.close();
    await database?.dispose();
  });

  it("exempts the open rows it covers at once, with an exempted event each, and audits who did it", async () => {
    const d = await device("ex-create");
    await report(d, [usbFail("SER-1", "OTHER-1")]);
    const mark = heard.length;
    const created = await exemptions.create(base(d), "ciso-token");
    expect(created).toMatchObject({
      device: d,
      check: "usb-storage",
      subject: "SER-*",
      rule: null,
      status: "active",
      createdBy: "ciso-token",
      approvedBy: "CISO",
      endedAt: null,
    });
    expect(since(mark)).toEqual([["exempted", "SER-1", "exempted"]]);
    expect((await rows(d)).map((r) => [r.subject, r.status]).sort()).toEqual([
      ["OTHER-1", "open"],
      ["SER-1", "exempted"],
    ]);
    const audit = await queryAudit(store.db, { action: "exemption.create", limit: 10 });
    expect(audit[0]).toMatchObject({
      actor: "ciso-token",
      target: `exemption ${created.id}`,
      detail: { device: d, subject: "SER-*", exempted: 1 },
    });
  });

  it("opens a new failure it covers as exempted, and a pass resolves it", async () => {
    const d = await device("ex-new");
    await exemptions.create(base(d), "ciso-token");
    const mark = heard.length;
    const events = await report(d, [usbFail("SER-2", "OTHER-2")]);
    expect(events.map((e) => [e.kind, e.violation.subject, e.violation.status])).toEqual([
      ["exempted", "SER-2", "exempted"],
      ["opened", "OTHER-2", "open"],
    ]);
    expect(heard.length).toBe(mark); // applyBatch alone publishes nothing
    expect((await report(d, [usbFail("SER-2", "OTHER-2")])).length).toBe(0); // a repeat: no event
    expect((await report(d, [usbPass()])).map((e) => [e.kind, e.violation.subject]).sort()).toEqual([
      ["resolved", "OTHER-2"],
      ["resolved", "SER-2"],
    ]);
  });

  it("covers by the violation's rule", async () => {
    const d = await device("ex-rule");
    await report(d, [software("nmap", "hydra")]);
    const mark = heard.length;
    await exemptions.create(base(d, { check: "software", subject: undefined, rule: "deny-nmap" }), "it");
    expect(since(mark)).toEqual([["exempted", "nmap", "exempted"]]);
  });

  it("reopens the rows it exempted when deleted (unless another exemption covers them), audited, once", async () => {
    const d = await device("ex-delete");
    await report(d, [usbFail("SER-3", "SER-4")]);
    const wide = await exemptions.create(base(d), "ciso-token");
    await exemptions.create(base(d, { subject: "SER-4" }), "ciso-token");
    const mark = heard.length;
    expect(await exemptions.remove(wide.id, "ciso-token")).toBe(true);
    expect(since(mark)).toEqual([["opened", "SER-3", "open"]]);
    expect((await rows(d)).find((r) => r.subject === "SER-3")?.firstSeen).toBe(
      (await rows(d)).find((r) => r.subject === "SER-4")?.firstSeen,
    );
    expect(await exemptions.remove(wide.id, "ciso-token")).toBe(false);
    expect(await exemptions.remove(uuidv7(), "ciso-token")).toBe(false);
    expect((await findExemption(store.db, wide.id))?.end_reason).toBe("deleted");
    expect((await queryAudit(store.db, { action: "exemption.delete", limit: 10 }))[0]).toMatchObject({
      target: `exemption ${wide.id}`,
      detail: { reopened: 1 },
    });
  });

  it("ends at its expiry: the sweep reopens what is still failing and audits the expiry once", async () => {
    const d = await device("ex-expire");
    await report(d, [usbFail("SER-5")]);
    const e = await exemptions.create(base(d, { expiresAt: inHours(clock, 1) }), "ciso-token");
    expect(await exemptions.sweep()).toEqual([]);
    clock.advance(3_600_000);
    const reopened = await exemptions.sweep();
    expect(reopened.map((x) => [x.kind, x.violation.subject, x.violation.status])).toEqual([["opened", "SER-5", "open"]]);
    expect(await exemptions.sweep()).toEqual([]);
    expect(await findExemption(store.db, e.id)).toMatchObject({ end_reason: "expired", ended_by: "server" });
    const audit = (await queryAudit(store.db, { action: "exemption.expire", limit: 100 })).filter((a) => a.target === `exemption ${e.id}`);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toBe("server");
  });

  it("exempts on the sweep a row a concurrent report opened after the exemption was created", async () => {
    const d = await device("ex-race");
    await exemptions.create(base(d), "ciso-token");
    // As if another instance's batch had loaded the exemptions before this one committed: the row opens.
    await store.db
      .insertInto("violations")
      .values({
        id: newId(),
        device_id: d,
        check: "usb-storage",
        subject: "SER-RACE",
        rule: null,
        message: "m",
        observed: "o",
        expected: "e",
        status: "open",
        first_seen: START,
        last_seen: START,
        resolved_at: null,
      })
      .execute();
    const fixed = await exemptions.sweep();
    expect(fixed.map((x) => [x.kind, x.violation.subject, x.violation.hostname])).toEqual([["exempted", "SER-RACE", "ex-race"]]);
  });

  it("refuses an expiry in the past and an unknown device, naming the field", async () => {
    const d = await device("ex-refuse");
    await expect(exemptions.create(base(d, { expiresAt: "2020-01-01T00:00:00Z" }), "x")).rejects.toThrow(
      /expiresAt: must be in the future/,
    );
    await expect(exemptions.create(base(uuidv7()), "x")).rejects.toThrow(/device: no device/);
  });

  it('applies a "*" exemption to every device', async () => {
    const [a, b] = [await device("ex-star-a"), await device("ex-star-b")];
    await report(a, [usbFail("STAR-1")]);
    await report(b, [usbFail("STAR-1")]);
    const mark = heard.length;
    await exemptions.create(base("*", { subject: "STAR-*" }), "ciso-token");
    expect(
      heard
        .slice(mark)
        .map((e) => e.violation.hostname)
        .sort(),
    ).toEqual(["ex-star-a", "ex-star-b"]);
  });

  if (kind.name === "postgres") {
    it("expires once when two instances sweep at the same moment", async () => {
      const other = await database.openStore();
      const otherBus = new EventBus();
      const otherHeard: ViolationEvent[] = [];
      otherBus.subscribe((e) => otherHeard.push(e));
      const second = new Exemptions({ store: other, clock, bus: otherBus, newId, logger: pino({ level: "silent" }) });
      try {
        const d = await device("ex-twice");
        await report(d, [usbFail("SER-T1", "SER-T2", "SER-T3")]);
        const e = await exemptions.create(base(d, { expiresAt: inHours(clock, 1) }), "ciso-token");
        clock.advance(3_600_000);
        const mark = heard.length;
        await Promise.all([exemptions.sweep(), second.sweep(), exemptions.sweep(), second.sweep()]);
        const reopened = [...heard.slice(mark), ...otherHeard].filter((x) => x.violation.deviceId === d);
        expect(reopened.map((x) => x.violation.subject).sort()).toEqual(["SER-T1", "SER-T2", "SER-T3"]);
        expect(
          (await queryAudit(store.db, { action: "exemption.expire", limit: 100 })).filter((a) => a.target === `exemption ${e.id}`),
        ).toHaveLength(1);
      } finally {
        await other.close();
      }
    });
  }
});
