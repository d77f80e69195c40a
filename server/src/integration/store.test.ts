// One storage suite, run twice: against SQLite and against the real PostgreSQL.
import { DEFAULT_POLICY, uuidv7 } from "@wegroup/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import { enrollAudited } from "../devices/enroll.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { toApiViolation, type ViolationRecord } from "../violations/record.js";
import { listCheckStates, loadObservedAt, upsertCheckStates } from "../store/check-states.js";
import { migrateToLatest, type Store } from "../store/db.js";
import { queryAudit } from "../store/audit.js";
import { applyDeviceActivity, enrollDevice, findDevice, findDeviceCredential, getDeviceWithCounts, listDevices } from "../store/devices.js";
import { eventsAfter, insertEvents } from "../store/events.js";
import { latestPolicy, seedInitialPolicy } from "../store/policies.js";
import { countReports, insertReports, reportKey } from "../store/reports.js";
import { addEnrollSecretHash, endEnrollSecretsExcept, findEnrollSecretHash, validEnrollSecretHashes } from "../store/server-secrets.js";
import { addTokenIfNew, createToken, findAnyTokenByHash, findTokenByHash, listTokens, revokeToken } from "../store/tokens.js";
import { insertViolations, loadLastingViolations, queryViolations, updateViolations } from "../store/violations.js";

const T = (minute: number) => new Date(Date.UTC(2025, 2, 1, 10, minute)).toISOString();

describe.each(TEST_DATABASES)("store on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  let n = 0;
  const newDevice = async (hostname = "laptop"): Promise<string> => {
    const { deviceId } = await enrollDevice(store.db, {
      newId: uuidv7(),
      hardwareId: `hw-${++n}-${Math.random()}`,
      hostname,
      os: "linux",
      credentialHash: hashSecret(`c${n}`),
      now: T(0),
    });
    return deviceId;
  };
  const violation = (deviceId: string, over: Partial<ViolationRecord> = {}): ViolationRecord => ({
    id: uuidv7(),
    deviceId,
    check: "usb-storage",
    subject: `SERIAL-${++n}`,
    rule: null,
    message: "USB storage attached",
    observed: "attached",
    expected: "none",
    status: "open",
    firstSeen: T(1),
    lastSeen: T(1),
    resolvedAt: null,
    title: null,
    ...over,
  });

  beforeAll(async () => {
    database = await kind.create();
    store = await database.openStore();
  });
  afterAll(async () => {
    await store?.close();
    await database?.dispose();
  });

  describe("migrations", () => {
    it("apply once: a second run (another instance starting) has nothing to do", async () => {
      expect(await migrateToLatest(store)).toEqual([]);
    });
  });

  describe("devices", () => {
    it("enrolls a new hardware id under the proposed id", async () => {
      const id = uuidv7();
      const out = await enrollDevice(store.db, {
        newId: id,
        hardwareId: "hw-new",
        hostname: "alpha",
        os: "linux",
        credentialHash: hashSecret("one"),
        now: T(0),
      });
      expect(out).toEqual({ deviceId: id, reEnrolled: false, reEnrollmentOf: null });
      expect(await findDevice(store.db, id)).toMatchObject({
        hostname: "alpha",
        os: "linux",
        enrolled_at: T(0),
        last_seen: null,
        policy_version: null,
      });
    });

    // Deliberately changed (hardening, issue 14): a known hardware id used to take over its device with a new credential.
    it("enrolls a known hardware id again as a new device flagged as a re-enrollment, leaving the original and its credential alone", async () => {
      const first = await enrollDevice(store.db, {
        newId: uuidv7(),
        hardwareId: "hw-again",
        hostname: "beta",
        os: "linux",
        credentialHash: hashSecret("old"),
        now: T(0),
        publicKey: "KEY-A",
      });
      const secondId = uuidv7();
      const second = await enrollDevice(store.db, {
        newId: secondId,
        hardwareId: "hw-again",
        hostname: "beta-impostor",
        os: "linux",
        credentialHash: hashSecret("new"),
        now: T(5),
      });
      expect(second).toEqual({ deviceId: secondId, reEnrolled: true, reEnrollmentOf: first.deviceId });
      expect(await findDevice(store.db, first.deviceId)).toMatchObject({
        hostname: "beta",
        credential_hash: hashSecret("old"),
        public_key: "KEY-A",
        re_enrollment_of: null,
        credential_issued_at: T(0),
      });
      expect(await findDevice(store.db, secondId)).toMatchObject({
        hostname: "beta-impostor",
        credential_hash: hashSecret("new"),
        public_key: null,
        re_enrollment_of: first.deviceId,
      });
      expect((await findDeviceCredential(store.db, first.deviceId))?.credential_hash).toBe(hashSecret("old"));
      // A third enrollment points at the original too, not at the second.
      const third = await enrollDevice(store.db, {
        newId: uuidv7(),
        hardwareId: "hw-again",
        hostname: "beta",
        os: "linux",
        credentialHash: hashSecret("3"),
        now: T(9),
      });
      expect(third.reEnrollmentOf).toBe(first.deviceId);
    });

    it("makes exactly one original of simultaneous enrollments of the same hardware, the others re-enrollments of it, each audited", async () => {
      const outs = await Promise.all(
        [1, 2, 3, 4].map((i) =>
          enrollAudited(store.db, {
            newId: uuidv7(),
            hardwareId: "hw-race",
            hostname: "race",
            os: "win32",
            credentialHash: hashSecret(`r${i}`),
            now: T(0),
          }),
        ),
      );
      expect(new Set(outs.map((o) => o.deviceId)).size).toBe(4);
      const originals = outs.filter((o) => o.reEnrollmentOf === null);
      expect(originals).toHaveLength(1);
      expect(outs.filter((o) => o.reEnrollmentOf === originals[0]?.deviceId)).toHaveLength(3);
      const audited = await queryAudit(store.db, { action: "device.re-enroll", limit: 10 });
      expect(audited.map((a) => a.target).sort()).toEqual(
        outs
          .filter((o) => o.reEnrolled)
          .map((o) => `device ${o.deviceId}`)
          .sort(),
      );
      expect(audited.every((a) => a.actor === "enrollment secret" && a.detail?.reEnrollmentOf === originals[0]?.deviceId)).toBe(true);
    });

    it("records activity without moving lastSeen backwards", async () => {
      const id = await newDevice();
      await applyDeviceActivity(store.db, [
        {
          deviceId: id,
          lastSeen: T(10),
          policyVersion: 3,
          agentVersion: "1.2.3",
          osName: "Debian",
          goodbyeAt: T(10),
          goodbyeReason: "reboot",
        },
      ]);
      await applyDeviceActivity(store.db, [{ deviceId: id, lastSeen: T(5), policyVersion: 4 }]);
      expect(await findDevice(store.db, id)).toMatchObject({
        last_seen: T(10),
        policy_version: 4,
        agent_version: "1.2.3",
        os_name: "Debian",
        goodbye_at: T(10),
        goodbye_reason: "reboot",
      });
    });

    it("records a batch of reports' and heartbeats' activity set-based: never backwards, versions only raised", async () => {
      const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => newDevice(`seen-${i}`)));
      // As stored before: seen at minute 10, running version 5 (the first three devices only).
      await applyDeviceActivity(
        store.db,
        ids.slice(0, 3).map((deviceId) => ({ deviceId, lastSeen: T(10), policyVersion: 5 })),
      );
      await applyDeviceActivity(store.db, [
        { deviceId: ids[0] ?? "", lastSeen: T(12), policyVersionSeen: 6 }, // later, newer: both move
        { deviceId: ids[1] ?? "", lastSeen: T(8), policyVersionSeen: 4 }, // an older queued report: neither moves
        { deviceId: ids[2] ?? "", lastSeen: T(11) }, // a heartbeat: the version stays
        ...ids.slice(3).map((deviceId, i) => ({ deviceId, lastSeen: T(20 + i), policyVersionSeen: 2 })), // never seen before
        { deviceId: ids[3] ?? "", lastSeen: T(1), policyVersionSeen: 9 }, // the same device twice in one batch
      ]);
      const rows = await Promise.all(ids.map((id) => findDevice(store.db, id)));
      expect(rows.map((r) => [r?.last_seen, r?.policy_version])).toEqual([
        [T(12), 6],
        [T(10), 5],
        [T(11), 5],
        [T(20), 9],
        ...ids.slice(4).map((_, i) => [T(21 + i), 2]),
      ]);
    });

    it("records heartbeats and policy-applied set-based: the version as said (raised by a report's), applied time kept when none", async () => {
      const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => newDevice(`said-${i}`)));
      await applyDeviceActivity(
        store.db,
        ids.map((deviceId) => ({ deviceId, lastSeen: T(10), policyVersion: 5, policyAppliedAt: T(9) })),
      );
      await applyDeviceActivity(store.db, [
        { deviceId: ids[0] ?? "", lastSeen: T(12), policyVersion: 6, policyAppliedAt: T(12) }, // applied a newer one
        { deviceId: ids[1] ?? "", lastSeen: T(11), policyVersion: 4 }, // an agent that rolled back says so: taken as said
        { deviceId: ids[2] ?? "", lastSeen: T(8), policyVersion: 5 }, // an older heartbeat: last_seen stays
        { deviceId: ids[3] ?? "", lastSeen: T(13), policyVersion: 6, policyAppliedAt: T(13), policyVersionSeen: 7 }, // with a report judged by 7
        { deviceId: ids[4] ?? "", lastSeen: T(14), policyVersion: 6 }, // the same device twice: in order, one at a time
        { deviceId: ids[4] ?? "", lastSeen: T(15), policyVersion: 7, policyAppliedAt: T(15) },
      ]);
      const rows = await Promise.all(ids.map((id) => findDevice(store.db, id)));
      expect(rows.map((r) => [r?.last_seen, r?.policy_version, r?.policy_applied_at])).toEqual([
        [T(12), 6, T(12)],
        [T(11), 4, T(9)],
        [T(10), 5, T(9)],
        [T(13), 7, T(13)],
        [T(15), 7, T(15)],
      ]);
    });

    it("lists devices with their count of open violations only", async () => {
      const id = await newDevice("zz-counted");
      await insertViolations(store.db, [
        violation(id),
        violation(id),
        violation(id, { status: "resolved", resolvedAt: T(2) }),
        violation(id, { status: "exempted" }),
      ]);
      const listed = (await listDevices(store.db)).find((d) => d.id === id);
      expect(listed?.open_violations).toBe(2);
      expect(typeof listed?.open_violations).toBe("number");
      expect((await getDeviceWithCounts(store.db, id))?.open_violations).toBe(2);
      expect(await getDeviceWithCounts(store.db, "nope")).toBeUndefined();
    });
  });

  describe("tokens", () => {
    it("finds a live token by its hash, with its role", async () => {
      await createToken(store.db, { id: uuidv7(), name: "soc", role: "viewer", tokenHash: hashSecret("viewer-token"), now: T(0) });
      expect(await findTokenByHash(store.db, hashSecret("viewer-token"))).toMatchObject({ name: "soc", role: "viewer" });
      expect(await findTokenByHash(store.db, hashSecret("other"))).toBeUndefined();
    });

    it("stores a data dir's admin token once when two instances add it at once, and tells a revoked one from an unknown one", async () => {
      const name = "data-dir admin token (host-a:/srv/a)";
      const add = () => addTokenIfNew(store.db, { id: uuidv7(), name, role: "admin", tokenHash: hashSecret("admin-1"), now: T(0) });
      await Promise.all([add(), add(), add()]);
      expect((await listTokens(store.db)).filter((t) => t.name === name)).toHaveLength(1);
      const stored = await findAnyTokenByHash(store.db, hashSecret("admin-1"));
      expect(stored).toMatchObject({ name, role: "admin", revokedAt: null });
      await revokeToken(store.db, stored?.id ?? "", T(1));
      expect(await findAnyTokenByHash(store.db, hashSecret("admin-1"))).toMatchObject({ name, revokedAt: T(1) });
      expect(await findTokenByHash(store.db, hashSecret("admin-1"))).toBeUndefined();
      expect(await findAnyTokenByHash(store.db, hashSecret("never-stored"))).toBeUndefined();
    });
  });

  describe("enrollment secret hashes", () => {
    it("are valid until a rotation ends them, and an end already set is never pushed later", async () => {
      const [a, b, c, next] = ["secret-a", "secret-b", "secret-c", "secret-next"].map(hashSecret) as [string, string, string, string];
      await Promise.all([
        addEnrollSecretHash(store.db, a, T(0)),
        addEnrollSecretHash(store.db, a, T(0)),
        addEnrollSecretHash(store.db, b, T(0)),
      ]);
      await addEnrollSecretHash(store.db, c, T(0));
      await endEnrollSecretsExcept(store.db, a, T(5)); // an earlier rotation: b and c end at T(5)
      await addEnrollSecretHash(store.db, next, T(1));
      expect(await endEnrollSecretsExcept(store.db, next, T(30))).toBe(1); // only a had no end
      const table: [string, string, boolean][] = [
        [a, T(29), true],
        [a, T(30), false],
        [b, T(4), true],
        [b, T(5), false],
        [next, T(59), true],
      ];
      for (const [hash, at, valid] of table)
        expect([hash, at, (await validEnrollSecretHashes(store.db, at)).some((h) => h.hash === hash)]).toEqual([hash, at, valid]);
      expect(await findEnrollSecretHash(store.db, b)).toEqual({ hash: b, validUntil: T(5) });
      expect(await findEnrollSecretHash(store.db, hashSecret("never-stored"))).toBeUndefined();
    });
  });

  describe("reports", () => {
    it("stores a report once per (device, id) and says which ones it inserted", async () => {
      const a = await newDevice();
      const b = await newDevice();
      const row = (device: string, id: string) => ({
        device_id: device,
        id,
        observed_at: T(1),
        received_at: T(1),
        policy_version: 1,
        body: "{}",
      });
      expect(await insertReports(store.db, [row(a, "report-0001"), row(a, "report-0002")])).toEqual(
        new Set([reportKey(a, "report-0001"), reportKey(a, "report-0002")]),
      );
      expect(await insertReports(store.db, [row(a, "report-0001"), row(b, "report-0001")])).toEqual(new Set([reportKey(b, "report-0001")]));
      expect(await countReports(store.db, a)).toBe(2);
    });

    it("stores large batches (more rows than one statement's parameters allow)", async () => {
      const a = await newDevice();
      const rows = Array.from({ length: 1_500 }, (_, i) => ({
        device_id: a,
        id: `bulk-${String(i).padStart(6, "0")}`,
        observed_at: T(1),
        received_at: T(1),
        policy_version: 1,
        body: "{}",
      }));
      expect((await insertReports(store.db, rows)).size).toBe(1_500);
    });
  });

  describe("check states", () => {
    it("keeps the latest result per device and check", async () => {
      const a = await newDevice();
      const state = (status: string, minute: number) => ({
        device_id: a,
        check: "usb-storage",
        status,
        observed_at: T(minute),
        report_id: `r-${minute}`,
        result: JSON.stringify({ status }),
      });
      await upsertCheckStates(store.db, [state("fail", 1), { ...state("pass", 1), check: "software" }]);
      await upsertCheckStates(store.db, [state("pass", 2)]);
      expect((await listCheckStates(store.db, a)).map((s) => [s.check, s.status, s.observed_at])).toEqual([
        ["software", "pass", T(1)],
        ["usb-storage", "pass", T(2)],
      ]);
      expect(await loadObservedAt(store.db, [a])).toEqual(
        expect.arrayContaining([
          { device_id: a, check: "software", observed_at: T(1) },
          { device_id: a, check: "usb-storage", observed_at: T(2) },
        ]),
      );
    });
  });

  describe("violations", () => {
    it("allows one lasting row per (device, check, subject), enforced by the database", async () => {
      const a = await newDevice();
      await insertViolations(store.db, [violation(a, { subject: "S" })]);
      await expect(insertViolations(store.db, [violation(a, { subject: "S" })])).rejects.toThrow();
      await expect(insertViolations(store.db, [violation(a, { subject: "S", status: "exempted" })])).rejects.toThrow();
      await insertViolations(store.db, [violation(a, { subject: "S", status: "resolved", resolvedAt: T(3) })]);
    });

    it("loads the open and exempted rows of devices and writes transitions back", async () => {
      const a = await newDevice();
      const open = violation(a);
      const exempted = violation(a, { status: "exempted" });
      await insertViolations(store.db, [open, exempted, violation(a, { status: "resolved", resolvedAt: T(2) })]);
      expect((await loadLastingViolations(store.db, [a])).map((v) => v.id).sort()).toEqual([open.id, exempted.id].sort());

      const repeated = { ...open, lastSeen: T(9) };
      const resolved = { ...exempted, status: "resolved" as const, resolvedAt: T(9) };
      await updateViolations(store.db, [
        { before: open, after: repeated },
        { before: exempted, after: resolved },
      ]);
      const rows = await queryViolations(store.db, { status: "all", deviceId: a, limit: 10 });
      expect(rows.find((r) => r.id === open.id)).toMatchObject({ lastSeen: T(9), status: "open" });
      expect(rows.find((r) => r.id === exempted.id)).toMatchObject({ status: "resolved", resolvedAt: T(9) });
    });

    it("lists newest first with filters, the hostname joined, and keyset paging by id", async () => {
      const a = await newDevice("paging-host");
      const all: ViolationRecord[] = [];
      for (let i = 0; i < 7; i++) {
        all.push(
          violation(a, {
            id: uuidv7(Date.UTC(2025, 0, 1, 0, i)),
            check: i % 2 === 0 ? "usb-storage" : "software",
            status: i === 6 ? "resolved" : "open",
            resolvedAt: i === 6 ? T(30) : null,
            lastSeen: T(i),
          }),
        );
      }
      await insertViolations(store.db, all);
      const newestFirst = [...all].reverse().map((v) => v.id);

      const page1 = await queryViolations(store.db, { status: "all", deviceId: a, limit: 3 });
      expect(page1.map((v) => v.id)).toEqual(newestFirst.slice(0, 3));
      expect(page1[0]?.hostname).toBe("paging-host");
      const page2 = await queryViolations(store.db, { status: "all", deviceId: a, limit: 3, beforeId: page1.at(-1)?.id });
      expect(page2.map((v) => v.id)).toEqual(newestFirst.slice(3, 6));

      expect((await queryViolations(store.db, { status: "open", deviceId: a, limit: 100 })).length).toBe(6);
      expect((await queryViolations(store.db, { status: "resolved", deviceId: a, limit: 100 })).map((v) => v.id)).toEqual([all[6]?.id]);
      expect((await queryViolations(store.db, { status: "all", deviceId: a, check: "software", limit: 100 })).length).toBe(3);
      // since: seen failing at or after, or resolved at or after
      expect((await queryViolations(store.db, { status: "all", deviceId: a, since: T(4), limit: 100 })).map((v) => v.id)).toEqual(
        newestFirst.slice(0, 3),
      );
    });
  });

  describe("events", () => {
    it("numbers events monotonically in insertion order and resumes after a sequence number", async () => {
      const a = await newDevice("evt-host");
      const v1 = violation(a);
      const v2 = violation(a);
      const api1 = toApiViolation(v1, "evt-host");
      const api2 = toApiViolation(v2, "evt-host");
      const stored = await insertEvents(store.db, [
        { kind: "opened", at: T(1), violation: api1 },
        { kind: "opened", at: T(1), violation: api2 },
        { kind: "resolved", at: T(2), violation: { ...api1, status: "resolved", resolvedAt: T(2) } },
      ]);
      const seqs = stored.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(3);
      expect(stored.map((e) => [e.kind, e.violation.id])).toEqual([
        ["opened", v1.id],
        ["opened", v2.id],
        ["resolved", v1.id],
      ]);
      const more = await insertEvents(store.db, [{ kind: "opened", at: T(3), violation: { ...api2, id: uuidv7() } }]);
      expect(more[0]?.seq).toBeGreaterThan(seqs[2] ?? Infinity);
      const resumed = await eventsAfter(store.db, seqs[0] ?? 0, 10);
      expect(resumed.map((e) => e.seq)).toEqual([seqs[1], seqs[2], more[0]?.seq]);
      expect(resumed[1]?.violation).toMatchObject({ id: v1.id, status: "resolved", hostname: "evt-host" });
      expect(typeof resumed[0]?.seq).toBe("number");
    });
  });

  describe("policies", () => {
    it("seeds the built-in policy as version 1 once, with its defaults", async () => {
      await seedInitialPolicy(store.db, DEFAULT_POLICY, T(0));
      await seedInitialPolicy(store.db, { ...DEFAULT_POLICY, heartbeatSeconds: 5 }, T(1));
      const latest = await latestPolicy(store.db);
      expect(latest?.policy.version).toBe(1);
      expect(latest?.policy.heartbeatSeconds).toBe(DEFAULT_POLICY.heartbeatSeconds);
      expect(latest?.policy.software.deny.length).toBe(DEFAULT_POLICY.software.deny.length);
      expect(latest?.author).toBe("built-in default");
    });
  });
});
