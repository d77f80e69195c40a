// Privacy export and erasure on real databases: one suite, run against SQLite and against PostgreSQL.
import { type CheckResult, PrivacyDeviceExport, PrivacyExport, PrivacyUserExport, type ReportFrame, uuidv7 } from "@wegroup/shared";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import { queryAudit, recordAudit } from "../store/audit.js";
import { upsertCheckStates } from "../store/check-states.js";
import type { Store } from "../store/db.js";
import { enrollDevice, findDeviceCredential } from "../store/devices.js";
import { insertEvents } from "../store/events.js";
import { insertExemption } from "../store/exemptions.js";
import { insertReports } from "../store/reports.js";
import { insertViolations } from "../store/violations.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { toApiViolation, type ViolationRecord } from "../violations/record.js";
import { erasePrivacyData } from "../privacy/erase.js";
import { exportPrivacyData } from "../privacy/export.js";

const T = (minute: number) => new Date(Date.UTC(2025, 2, 1, 10, minute)).toISOString();
const lock = (user: string) => ({
  subject: user,
  message: `The screen of ${user} never locks (user setting; /home/${user}/.config/kscreenlockerrc)`,
  observed: "kde: never idle",
  expected: "locks after 15 min",
});
const screenLock = (...users: string[]): CheckResult => ({ check: "screen-lock", status: "fail", violations: users.map(lock) });
const usb: CheckResult = {
  check: "usb-storage",
  status: "fail",
  violations: [{ subject: "4C530001", message: "USB storage attached", observed: "SanDisk mounted at /media/alice/USB", expected: "none" }],
};

/** Every text column of every table the erasure touches, as one string: what "no trace left" is tested against. */
async function everything(store: Store): Promise<string> {
  const parts: string[] = [];
  for (const table of ["devices", "reports", "check_states", "violations", "events", "exemptions", "audit"]) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.db);
    parts.push(JSON.stringify(rows.rows));
  }
  return parts.join("\n");
}

describe.each(TEST_DATABASES)("privacy on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  let device: string;
  let other: string;

  const seedDevice = async (hostname: string, users: string[]): Promise<string> => {
    const { deviceId } = await enrollDevice(store.db, {
      newId: uuidv7(),
      hardwareId: `hw-${hostname}`,
      hostname,
      os: "linux",
      credentialHash: hashSecret(hostname),
      now: T(0),
    });
    const report: ReportFrame = { type: "report", id: uuidv7(), observedAt: T(1), policyVersion: 1, results: [screenLock(...users), usb] };
    await insertReports(store.db, [
      { device_id: deviceId, id: report.id, observed_at: T(1), received_at: T(1), policy_version: 1, body: JSON.stringify(report) },
    ]);
    await upsertCheckStates(store.db, [
      {
        device_id: deviceId,
        check: "screen-lock",
        status: "fail",
        observed_at: T(1),
        report_id: report.id,
        result: JSON.stringify(screenLock(...users)),
      },
    ]);
    const rows: ViolationRecord[] = users.map((u) => ({
      id: uuidv7(),
      deviceId,
      check: "screen-lock",
      rule: null,
      status: "open",
      firstSeen: T(1),
      lastSeen: T(1),
      resolvedAt: null,
      title: null,
      ...lock(u),
    }));
    await insertViolations(store.db, rows);
    await insertEvents(
      store.db,
      rows.map((r) => ({ kind: "opened" as const, at: T(1), violation: toApiViolation(r, hostname) })),
    );
    await insertExemption(store.db, {
      id: uuidv7(),
      device: deviceId,
      check: "screen-lock",
      rule: null,
      subject: users[0] ?? "x",
      reason: "kiosk",
      approved_by: "CISO",
      expires_at: T(100),
      created_at: T(0),
      created_by: "it",
      ended_at: null,
      end_reason: null,
      ended_by: null,
    });
    return deviceId;
  };

  beforeAll(async () => {
    database = await kind.create();
    store = await database.openStore();
    device = await seedDevice("alice-laptop", ["alice", "bob"]);
    other = await seedDevice("shared-desk", ["alice.smith", "carol"]);
    await recordAudit(store.db, {
      at: T(2),
      actor: "it",
      action: "exemption.create",
      target: "exemption e1",
      detail: { subject: "alice", reason: "kiosk of alice" },
    });
    await insertExemption(store.db, {
      id: uuidv7(),
      device: "*",
      check: "usb-storage",
      rule: null,
      subject: "4C530001",
      reason: "backup disk",
      approved_by: "CISO",
      expires_at: T(100),
      created_at: T(0),
      created_by: "it",
      ended_at: null,
      end_reason: null,
      ended_by: null,
    });
  });
  afterAll(async () => {
    await store?.close();
    await database?.dispose();
  });

  it("exports everything held about a device, without its credential hash", async () => {
    const doc = PrivacyDeviceExport.parse(await exportPrivacyData(store, { kind: "device", id: device }, T(50)));
    expect(doc.subject).toEqual({ kind: "device", value: device });
    expect(doc.device).toMatchObject({ id: device, hostname: "alice-laptop", os: "linux", enrolledAt: T(0) });
    expect(doc.device).not.toHaveProperty("credentialHash");
    expect(JSON.stringify(doc)).not.toContain(hashSecret("alice-laptop"));
    expect(doc.reports).toHaveLength(1);
    expect(doc.reports[0]?.body).toMatchObject({ type: "report", results: [{ check: "screen-lock" }, { check: "usb-storage" }] });
    expect(doc.results).toEqual([expect.objectContaining({ check: "screen-lock", result: screenLock("alice", "bob") })]);
    // Ordered by id; both ids were made in the same millisecond here, so compare as a set.
    expect(doc.violations.map((v) => v.subject).sort()).toEqual(["alice", "bob"]);
    expect(doc.events.map((e) => (e.violation as { subject: string }).subject)).toEqual(["alice", "bob"]);
    expect(doc.exemptions).toEqual([expect.objectContaining({ device, subject: "alice", approvedBy: "CISO" })]);
    expect(await exportPrivacyData(store, { kind: "device", id: "no-such-device" }, T(50))).toBeUndefined();
  });

  it("exports only the parts of each report and result that are about the user", async () => {
    const doc = PrivacyUserExport.parse(await exportPrivacyData(store, { kind: "user", name: "alice" }, T(50)));
    expect(doc.device).toBeNull();
    expect(doc.violations.map((v) => [v.deviceId, v.subject])).toEqual([[device, "alice"]]);
    expect(doc.events.map((e) => (e.violation as { subject: string }).subject)).toEqual(["alice"]);
    expect(doc.results).toEqual([
      { deviceId: device, check: "screen-lock", status: "fail", observedAt: T(1), violations: [lock("alice")] },
    ]);
    // The USB violation names her only in a mount path; it is hers too. Bob and alice.smith are not.
    const reports = doc.reports.filter((r) => r.deviceId === device);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.results).toEqual([
      { check: "screen-lock", status: "fail", violations: [lock("alice")] },
      { check: "usb-storage", status: "fail", violations: usb.violations },
    ]);
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/bob|carol|alice\.smith/);
    expect(doc.exemptions.map((e) => e.subject)).toEqual(["alice"]);
  });

  it("pseudonymises a user everywhere and leaves the other users and devices as they were", async () => {
    const before = await everything(store);
    expect(before).toMatch(/\balice\b(?!\.smith)/);
    const erased = await erasePrivacyData(
      store,
      { kind: "user", name: "alice" },
      { actor: "dpo", now: T(60), pseudonym: "erased-user-0001" },
    );
    expect(erased).toEqual({
      subject: { kind: "user" },
      method: "pseudonymised",
      pseudonym: "erased-user-0001",
      counts: { violations: 1, events: 1, results: 1, reports: 2, exemptions: 1, audit: 1 },
    });
    const after = await everything(store);
    // "alice-laptop" is a hostname (erased with the device), "alice.smith" another person: neither is her name as a word.
    expect(after.replace(/alice-laptop|alice\.smith/g, "")).not.toMatch(/alice/i);
    expect(after).toContain("bob");
    expect(after).toContain("alice.smith");
    expect(after).toContain("/home/erased-user-0001/");
    const [audit] = await queryAudit(store.db, { action: "privacy.erase", limit: 1 });
    expect(audit).toMatchObject({ actor: "dpo", target: "user erased-user-0001", detail: { method: "pseudonymised" } });
    expect(PrivacyExport.parse(await exportPrivacyData(store, { kind: "user", name: "alice" }, T(61))).violations).toEqual([]);
  });

  it("erases a device with every row of it, its credential and its own exemptions, and audits it by id only", async () => {
    const erased = await erasePrivacyData(store, { kind: "device", id: device }, { actor: "dpo", now: T(70) });
    expect(erased).toEqual({
      subject: { kind: "device" },
      method: "deleted",
      counts: { exemptions: 1, events: 2, violations: 2, results: 1, reports: 1, devices: 1, audit: 0 },
    });
    expect(await findDeviceCredential(store.db, device)).toBeUndefined();
    for (const [table, column] of [
      ["reports", "device_id"],
      ["check_states", "device_id"],
      ["violations", "device_id"],
      ["events", "device_id"],
      ["exemptions", "device"],
    ] as const) {
      const rows = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} = ${device}`.execute(
        store.db,
      );
      expect(Number(rows.rows[0]?.n), table).toBe(0);
    }
    const everythingLeft = await everything(store);
    expect(everythingLeft).not.toContain("alice-laptop");
    expect(everythingLeft).toContain("shared-desk");
    expect(everythingLeft).toContain("backup disk"); // the "*" exemption is no one's device
    const [audit] = await queryAudit(store.db, { action: "privacy.erase", limit: 1 });
    expect(audit).toEqual({
      id: expect.any(Number),
      at: T(70),
      actor: "dpo",
      action: "privacy.erase",
      target: `device ${device}`,
      detail: { method: "deleted", counts: erased?.counts },
    });
    expect(await erasePrivacyData(store, { kind: "device", id: device }, { actor: "dpo", now: T(71) })).toBeUndefined();
    expect(other).not.toBe(device);
  });

  it("exports exactly the fields of the export schema, not whatever columns a table has", async () => {
    // A column some later migration might add (a note, a secret): not exported until the schema and the store say how.
    await sql`alter table devices add column note_for_it text`.execute(store.db);
    await sql`update devices set note_for_it = ${"do-not-export-7f3"} where id = ${other}`.execute(store.db);
    const doc = await exportPrivacyData(store, { kind: "device", id: other }, T(80));
    expect(JSON.stringify(doc)).not.toContain("do-not-export-7f3");
    // Strict at every level: the answer parses as the exact schema, which refuses any key it does not name.
    const exact = PrivacyDeviceExport.parse(doc);
    expect(Object.keys(exact.device).sort()).toEqual(Object.keys(PrivacyDeviceExport.shape.device.shape).sort());
    expect(PrivacyDeviceExport.safeParse({ ...exact, device: { ...exact.device, noteForIt: "x" } }).success).toBe(false);
    expect(PrivacyExport.safeParse({ ...exact, extra: [] }).success).toBe(false);
  });
});
