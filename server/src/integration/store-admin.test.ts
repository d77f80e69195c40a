// The policy, audit and retention queries, run twice: against SQLite and against the real PostgreSQL.
import { DEFAULT_POLICY, uuidv7 } from "@wegroup/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import { ManualClock } from "../clock.js";
import { storeNextPolicy } from "../policy/update.js";
import { pruneNow } from "../privacy/retention.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { queryAudit, recordAudit } from "../store/audit.js";
import type { Store } from "../store/db.js";
import { applyDeviceActivity, enrollDevice } from "../store/devices.js";
import { insertEvents } from "../store/events.js";
import { devicesBehind, devicesPerPolicyVersion, latestPolicy, policyHistory, seedInitialPolicy } from "../store/policies.js";
import { insertReports } from "../store/reports.js";
import { oldestRetained } from "../store/retention.js";
import { insertViolations } from "../store/violations.js";
import { toApiViolation } from "../violations/record.js";

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date(Date.UTC(2025, 5, 1, 12, 0));
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

describe.each(TEST_DATABASES)("admin queries on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  let n = 0;
  const newDevice = async (hostname: string): Promise<string> =>
    (
      await enrollDevice(store.db, {
        newId: uuidv7(),
        hardwareId: `hw-${++n}`,
        hostname,
        os: "linux",
        credentialHash: hashSecret(`c${n}`),
        now: daysAgo(400),
      })
    ).deviceId;

  beforeAll(async () => {
    database = await kind.create();
    store = await database.openStore();
    await seedInitialPolicy(store.db, DEFAULT_POLICY, daysAgo(1));
  });
  afterAll(async () => {
    await store?.close();
    await database?.dispose();
  });

  describe("audit", () => {
    it("lists newest first, filters by action and time, and pages by id", async () => {
      for (let i = 0; i < 5; i++)
        await recordAudit(store.db, {
          at: daysAgo(5 - i),
          actor: "it",
          action: i % 2 === 0 ? "token.create" : "token.revoke",
          target: `token t${i}`,
          detail: { i },
        });
      const all = await queryAudit(store.db, { limit: 100 });
      expect(all.map((e) => e.target)).toEqual(["token t4", "token t3", "token t2", "token t1", "token t0"]);
      expect(all[0]).toEqual({
        id: expect.any(Number),
        at: daysAgo(1),
        actor: "it",
        action: "token.create",
        target: "token t4",
        detail: { i: 4 },
      });
      expect((await queryAudit(store.db, { action: "token.revoke", limit: 100 })).map((e) => e.target)).toEqual(["token t3", "token t1"]);
      expect((await queryAudit(store.db, { since: daysAgo(2), limit: 100 })).map((e) => e.target)).toEqual(["token t4", "token t3"]);
      const first = await queryAudit(store.db, { limit: 2 });
      const second = await queryAudit(store.db, { limit: 2, beforeId: first.at(-1)?.id });
      expect([...first, ...second].map((e) => e.target)).toEqual(["token t4", "token t3", "token t2", "token t1"]);
    });

    it("records nothing when the transaction it rides in rolls back", async () => {
      const before = (await queryAudit(store.db, { limit: 1_000 })).length;
      await expect(
        store.db.transaction().execute(async (trx) => {
          await recordAudit(trx, { at: daysAgo(0), actor: "it", action: "policy.update", target: "policy v99" });
          throw new Error("the change failed");
        }),
      ).rejects.toThrow("the change failed");
      expect((await queryAudit(store.db, { limit: 1_000 })).length).toBe(before);
    });
  });

  describe("policy versions", () => {
    it("stores each PUT as the next version with its author, a summary and an audit line", async () => {
      const latest = (await latestPolicy(store.db))?.policy ?? DEFAULT_POLICY;
      const { version: _v, ...doc } = latest;
      const change = await storeNextPolicy(
        store.db,
        { ...doc, screenLock: { ...doc.screenLock, maxIdleSeconds: 600 } },
        "it-admin",
        daysAgo(0),
      );
      expect(change.policy.version).toBe(latest.version + 1);
      expect(change.summary).toBe("screenLock.maxIdleSeconds 900→600");
      expect((await latestPolicy(store.db))?.policy).toEqual(change.policy);
      const [newest] = await policyHistory(store.db, 1);
      expect(newest).toEqual({
        version: change.policy.version,
        author: "it-admin",
        createdAt: daysAgo(0),
        summary: "screenLock.maxIdleSeconds 900→600",
      });
      const [audit] = await queryAudit(store.db, { action: "policy.update", limit: 1 });
      expect(audit).toMatchObject({
        actor: "it-admin",
        target: `policy v${change.policy.version}`,
        detail: { previousVersion: latest.version },
      });
    });

    it("gives concurrent writers distinct consecutive versions", async () => {
      const start = (await latestPolicy(store.db))?.policy.version ?? 0;
      const { version: _v, ...doc } = DEFAULT_POLICY;
      const changes = await Promise.all(
        [30, 31, 32, 33, 34, 35].map((hb) => storeNextPolicy(store.db, { ...doc, heartbeatSeconds: hb }, `w${hb}`, daysAgo(0))),
      );
      expect(changes.map((c) => c.policy.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6].map((i) => start + i));
      const history = await policyHistory(store.db, 6);
      expect(new Set(history.map((h) => h.author)).size).toBe(6);
    });

    it("counts devices per version and lists those that run another one", async () => {
      const latest = (await latestPolicy(store.db))?.policy.version ?? 0;
      const [a, b, c] = [await newDevice("pol-a"), await newDevice("pol-b"), await newDevice("pol-c")];
      await applyDeviceActivity(store.db, [
        { deviceId: a, lastSeen: daysAgo(0), policyVersion: latest },
        { deviceId: b, lastSeen: daysAgo(0), policyVersion: latest - 1 },
      ]);
      const counts = await devicesPerPolicyVersion(store.db);
      expect(counts.find((v) => v.version === latest)?.devices).toBe(1);
      expect(counts.find((v) => v.version === latest - 1)?.devices).toBe(1);
      expect(counts.every((v) => v.devices > 0)).toBe(true);
      const behind = await devicesBehind(store.db, latest);
      expect(behind.filter((d) => [a, b, c].includes(d.id))).toEqual([
        { id: b, hostname: "pol-b", policyVersion: latest - 1, lastSeen: daysAgo(0), goodbyeAt: null },
        { id: c, hostname: "pol-c", policyVersion: null, lastSeen: null, goodbyeAt: null },
      ]);
    });
  });

  describe("retention", () => {
    it("deletes reports, resolved violations, events and audit entries older than the period, and nothing else", async () => {
      const device = await newDevice("ret-host");
      await insertReports(store.db, [
        { device_id: device, id: "old-report", observed_at: daysAgo(200), received_at: daysAgo(200), policy_version: 1, body: "{}" },
        { device_id: device, id: "new-report", observed_at: daysAgo(10), received_at: daysAgo(10), policy_version: 1, body: "{}" },
      ]);
      const v = (subject: string, status: "open" | "resolved", resolvedAt: string | null) => ({
        id: uuidv7(),
        deviceId: device,
        check: "usb-storage" as const,
        subject,
        rule: null,
        message: "m",
        observed: "o",
        expected: "e",
        status,
        firstSeen: daysAgo(300),
        lastSeen: daysAgo(250),
        resolvedAt,
        title: null,
      });
      const oldResolved = v("OLD", "resolved", daysAgo(250));
      const newResolved = v("NEW", "resolved", daysAgo(20));
      const oldOpen = v("STILL", "open", null);
      await insertViolations(store.db, [oldResolved, newResolved, oldOpen]);
      const api = (r: typeof oldOpen) => toApiViolation(r, "ret-host");
      await insertEvents(store.db, [
        { kind: "opened", at: daysAgo(300), violation: api(oldResolved) },
        { kind: "opened", at: daysAgo(20), violation: api(newResolved) },
      ]);
      await recordAudit(store.db, { at: daysAgo(181), actor: "it", action: "token.create", target: "token old" });

      const run = await pruneNow(store.db, 180, new ManualClock(NOW), "it");
      expect(run.cutoff).toBe(daysAgo(180));
      expect(run.counts.reports).toBe(1);
      expect(run.counts.violations).toBe(1);
      expect(run.counts.events).toBe(1);
      expect(run.counts.audit).toBeGreaterThanOrEqual(1);
      const left = await store.db.selectFrom("violations").select("subject").where("device_id", "=", device).orderBy("subject").execute();
      expect(left.map((r) => r.subject)).toEqual(["NEW", "STILL"]);
      const reports = await store.db.selectFrom("reports").select("id").where("device_id", "=", device).execute();
      expect(reports.map((r) => r.id)).toEqual(["new-report"]);
      const oldest = await oldestRetained(store.db);
      for (const t of Object.values(oldest)) if (t !== null) expect(t >= daysAgo(180)).toBe(true);
      const [line] = await queryAudit(store.db, { action: "retention.prune", limit: 1 });
      expect(line).toMatchObject({ actor: "it", detail: { retentionDays: 180, reports: 1, violations: 1, events: 1 } });

      const again = await pruneNow(store.db, 180, new ManualClock(NOW), "it");
      expect(again.counts).toEqual({ reports: 0, violations: 0, events: 0, audit: 0 });
      expect(await queryAudit(store.db, { action: "retention.prune", limit: 10 })).toHaveLength(1);
    });
  });
});
