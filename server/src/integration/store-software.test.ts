// Software violations in storage, on SQLite and the real PostgreSQL: the title detail kept and updated, and grouped for the fleet's titles.
import { type SoftwareTitleDetail, uuidv7 } from "@wegroup/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import type { ViolationRecord } from "../violations/record.js";
import type { Store } from "../store/db.js";
import { enrollDevice, findDevice, recordPolicySent } from "../store/devices.js";
import { softwareViolationGroups } from "../store/software.js";
import { insertViolations, loadLastingViolations, queryViolations, updateViolations } from "../store/violations.js";

const T = (minute: number) => new Date(Date.UTC(2025, 2, 1, 10, minute)).toISOString();

const title = (over: Partial<SoftwareTitleDetail> = {}): SoftwareTitleDetail => ({
  name: "Wireshark",
  verdict: "denied",
  category: "sniffer",
  versions: ["4.2.0"],
  sources: ["app"],
  identity: { teamId: "7Z6EMTD2C6", signer: "Developer ID Application: Wireshark Foundation (7Z6EMTD2C6)" },
  bundleId: "org.wireshark.Wireshark",
  scope: "installed",
  ...over,
});

describe.each(TEST_DATABASES)("software violations stored on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  let n = 0;
  const newDevice = async (): Promise<string> =>
    (
      await enrollDevice(store.db, {
        newId: uuidv7(),
        hardwareId: `hw-sw-${++n}`,
        hostname: `mac-${n}`,
        os: "darwin",
        credentialHash: hashSecret(`c${n}`),
        now: T(0),
      })
    ).deviceId;
  const software = (deviceId: string, over: Partial<ViolationRecord> = {}): ViolationRecord => ({
    id: uuidv7(),
    deviceId,
    check: "software",
    subject: "wireshark",
    rule: "deny-wireshark",
    message: "Wireshark 4.2.0 — sniffer",
    observed: "Wireshark 4.2.0",
    expected: "not installed",
    status: "open",
    firstSeen: T(1),
    lastSeen: T(1),
    resolvedAt: null,
    title: title(),
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

  it("stores and groups a title detail as long as the result schema allows (no index entry limit refuses it)", async () => {
    // 20 versions, every text at its 300-character limit, in three-byte characters that do not compress: ~25 KB of
    // JSON (PostgreSQL compresses a large index entry before it refuses one above ~2.7 KB).
    let seed = 12_345;
    const long = (c: string): string =>
      Array.from({ length: 300 }, () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return String.fromCharCode(c.charCodeAt(0) + (seed % 2_000));
      }).join("");
    const widest = title({
      name: long("名"),
      versions: Array.from({ length: 20 }, (_, i) => long(String.fromCharCode(0x4e00 + i))),
      sources: ["dpkg", "rpm", "snap", "flatpak", "homebrew", "app", "pkgutil", "registry", "winget", "appx"],
      identity: { teamId: long("T"), signer: long("署"), origin: long("源"), publisher: long("発") },
      declaredPublisher: long("p"),
      bundleId: long("b"),
    });
    const subject = `widest-${kind.name}-${long("s").slice(0, 280)}`;
    const [a, b] = [await newDevice(), await newDevice()];
    await insertViolations(store.db, [software(a, { subject, title: widest }), software(b, { subject, title: widest })]);
    const groups = (await softwareViolationGroups(store.db, "open")).filter((g) => g.subject === subject);
    expect(groups.map((g) => g.devices)).toEqual([2]);
    expect(groups[0]?.title).toEqual(widest);
  });

  it("keeps the title detail and writes a change of it even when nothing else changed", async () => {
    const d = await newDevice();
    const row = software(d);
    await insertViolations(store.db, [row]);
    expect((await loadLastingViolations(store.db, [d]))[0]?.title).toEqual(title());
    const upgraded = { ...row, title: title({ versions: ["4.4.1"] }) };
    await updateViolations(store.db, [{ before: row, after: upgraded }]);
    const [stored] = await queryViolations(store.db, { status: "all", deviceId: d, limit: 10 });
    expect(stored).toMatchObject({ id: row.id, subject: "wireshark", rule: "deny-wireshark" });
    expect(stored?.title?.versions).toEqual(["4.4.1"]);
  });

  it("keeps no detail for a violation that has none", async () => {
    const d = await newDevice();
    await insertViolations(store.db, [software(d, { check: "usb-storage", subject: "SERIAL", rule: null, title: null })]);
    expect((await loadLastingViolations(store.db, [d]))[0]?.title).toBeNull();
  });

  it("groups the lasting software rows of the fleet by subject, status, rule and detail, counting devices", async () => {
    // A fresh schema would hold only these; other tests in this suite add rows, so look at this test's subjects only.
    const [a, b, c, e] = [await newDevice(), await newDevice(), await newDevice(), await newDevice()];
    const subject = `wireshark-${kind.name}`;
    await insertViolations(store.db, [
      software(a, { subject }),
      // Same detail with its keys in another order: stored sorted, so it groups with the first.
      software(b, { subject, title: Object.fromEntries(Object.entries(title()).reverse()) as SoftwareTitleDetail }),
      software(c, { subject, status: "exempted" }),
      software(e, { subject, status: "resolved", resolvedAt: T(2) }),
      software(e, { subject: `nmap-${kind.name}`, rule: null, title: null }),
    ]);
    const mine = (await softwareViolationGroups(store.db, "lasting")).filter((g) => g.subject.endsWith(kind.name));
    expect(mine.sort((x, y) => `${x.subject}${x.status}`.localeCompare(`${y.subject}${y.status}`))).toEqual([
      { subject: `nmap-${kind.name}`, status: "open", rule: null, title: null, devices: 1 },
      { subject, status: "exempted", rule: "deny-wireshark", title: title(), devices: 1 },
      { subject, status: "open", rule: "deny-wireshark", title: title(), devices: 2 },
    ]);
    expect((await softwareViolationGroups(store.db, "exempted")).filter((g) => g.subject === subject).map((g) => g.devices)).toEqual([1]);
    expect((await softwareViolationGroups(store.db, "open")).filter((g) => g.subject === subject).map((g) => g.devices)).toEqual([2]);
  });

  it("records the newest policy version sent, never lowering it", async () => {
    const [a, b] = [await newDevice(), await newDevice()];
    await recordPolicySent(store.db, [a, b], 3);
    await recordPolicySent(store.db, [a], 2);
    await recordPolicySent(store.db, [b], 4);
    expect((await findDevice(store.db, a))?.policy_sent_version).toBe(3);
    expect((await findDevice(store.db, b))?.policy_sent_version).toBe(4);
  });
});
