// The security team's lists stay cheap at fleet size: the counts they show on every page are read from indexes, not
// from every violation row (at 10,000 devices and 300,000 violations: device list 240 → 109 ms, violation list
// 171 → 25 ms, software titles 360 → 71 ms; npm run bench measures the pages). SQLite's own plan of each statement
// the store runs is the proof.
import { uuidv7 } from "@wegroup/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import type { Store } from "../store/db.js";
import { enrollDevice, listDevices } from "../store/devices.js";
import type { Db } from "../store/schema.js";
import { softwareViolationGroups } from "../store/software.js";
import { countViolationsByCheck, insertViolations } from "../store/violations.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { sqlitePlans } from "../testing/query-plans.js";

const sqlite = TEST_DATABASES.find((kind) => kind.name === "sqlite");

describe.runIf(sqlite !== undefined)("read plans on SQLite", () => {
  let database: TestDatabase;
  let store: Store;
  let deviceIds: string[] = [];

  beforeAll(async () => {
    database = await (sqlite as (typeof TEST_DATABASES)[number]).create();
    store = await database.openStore();
    for (let i = 0; i < 20; i++) {
      const { deviceId } = await enrollDevice(store.db, {
        newId: uuidv7(),
        hardwareId: `hw-${i}`,
        hostname: `laptop-${i}`,
        os: "linux",
        credentialHash: hashSecret(`credential-${i}`),
        now: "2026-12-01T10:00:00.000Z",
      });
      deviceIds.push(deviceId);
    }
    await insertViolations(
      store.db,
      deviceIds.flatMap((deviceId, i) =>
        ["open", "open", "resolved", "exempted"].map((status, k) => ({
          id: uuidv7(),
          deviceId,
          check: k % 3 === 0 ? ("software" as const) : ("usb-storage" as const),
          subject: `subject-${i}-${k}`,
          rule: null,
          message: "m",
          observed: "o",
          expected: "e",
          status: status as "open" | "resolved" | "exempted",
          firstSeen: "2026-12-01T10:00:00.000Z",
          lastSeen: "2026-12-01T10:00:00.000Z",
          resolvedAt: status === "resolved" ? "2026-12-01T11:00:00.000Z" : null,
          title: null,
        })),
      ),
    );
    // No ANALYZE: the server never runs one, so the plans must hold without statistics.
  });

  afterAll(async () => {
    await store.close();
    await database.dispose();
    deviceIds = [];
  });

  /** SQLite's plan of every statement `run` makes, one text per statement. */
  async function plans(run: (db: Db) => Promise<unknown>): Promise<string[]> {
    return (await sqlitePlans(store, run)).map((s) => s.plan);
  }

  it("counts each listed device's open violations from the partial index alone, and reads no secret", async () => {
    const [plan, ...more] = await plans((db) => listDevices(db));
    expect(more).toEqual([]);
    expect(plan).toContain("USING COVERING INDEX violations_open_by_device");
    const rows = await listDevices(store.db);
    expect(rows.map((r) => r.open_violations)).toEqual(deviceIds.map(() => 2));
    for (const row of rows) {
      expect(row).not.toHaveProperty("credential_hash");
      expect(row).not.toHaveProperty("public_key");
    }
  });

  it("counts violations per check from the status index alone, without reading devices", async () => {
    const [plan, ...more] = await plans((db) => countViolationsByCheck(db, { status: "open" }));
    expect(more).toEqual([]);
    expect(plan).toContain("USING COVERING INDEX violations_status_check");
    expect(plan).not.toMatch(/devices/);
    expect(await countViolationsByCheck(store.db, { status: "open" })).toEqual({ software: 20, "usb-storage": 20 });
    expect(await countViolationsByCheck(store.db, { status: "all" })).toEqual({ software: 40, "usb-storage": 40 });
  });

  it("groups the lasting software violations from their index alone, already in order (no sort)", async () => {
    for (const status of ["lasting", "open", "exempted"] as const) {
      const [plan, ...more] = await plans((db) => softwareViolationGroups(db, status));
      expect(more).toEqual([]);
      expect(plan).toContain("USING COVERING INDEX violations_software_titles");
      expect(plan).not.toContain("TEMP B-TREE");
    }
    const devices = (groups: { devices: number }[]): number => groups.reduce((n, g) => n + g.devices, 0);
    expect(devices(await softwareViolationGroups(store.db, "open"))).toBe(20);
    expect(devices(await softwareViolationGroups(store.db, "exempted"))).toBe(20);
    expect(devices(await softwareViolationGroups(store.db, "lasting"))).toBe(40);
  });
});
