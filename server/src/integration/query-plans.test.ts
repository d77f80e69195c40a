// The ingest path's lookups read SQLite by device, not by status: a plan that walks every lasting row of the fleet per batch made the reconnect storm 20× slower.
import { uuidv7 } from "@wegroup/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../store/db.js";
import { violationsOpenedSince } from "../store/device-caps.js";
import { lastingRowsOf } from "../store/exemptions.js";
import { lastingSilentOf, silentDevices, stoppedDevices } from "../store/silent.js";
import type { Db } from "../store/schema.js";
import { loadLastingViolations } from "../store/violations.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { sqlitePlans } from "../testing/query-plans.js";

const sqlite = TEST_DATABASES.find((d) => d.name === "sqlite");
if (sqlite === undefined) throw new Error("no SQLite test database");

const DEVICES = 600;
const AT = "2026-01-01T00:00:00.000Z";

describe("SQLite query plans of the ingest path (no statistics, as a fresh database has none)", () => {
  let database: TestDatabase;
  let store: Store;
  let ids: string[];

  beforeAll(async () => {
    database = await sqlite.create();
    store = await database.openStore();
    ids = Array.from({ length: DEVICES }, () => uuidv7());
    await store.db
      .insertInto("devices")
      .values(
        ids.map((id, i) => ({
          id,
          hardware_id: `hw-${i}`,
          hostname: `host-${i}`,
          os: "linux",
          credential_hash: "0".repeat(64),
          enrolled_at: AT,
          credential_issued_at: AT,
          last_seen: AT,
          goodbye_reason: i % 2 === 0 ? "service-stop" : null,
          goodbye_at: i % 2 === 0 ? AT : null,
        })),
      )
      .execute();
    // Every device has lasting rows and a resolved history, as a fleet that has run for a while.
    const rows = ids.flatMap((id) =>
      ["open", "open", "exempted", "resolved", "resolved"].map((status, k) => ({
        id: uuidv7(),
        device_id: id,
        check: k === 2 ? "agent-silent" : "usb-storage",
        subject: `subject-${k}`,
        rule: null,
        message: "m",
        observed: "o",
        expected: "e",
        status,
        first_seen: AT,
        last_seen: AT,
        resolved_at: status === "resolved" ? AT : null,
        title: null,
      })),
    );
    for (let i = 0; i < rows.length; i += 200)
      await store.db
        .insertInto("violations")
        .values(rows.slice(i, i + 200))
        .execute();
  });
  afterAll(async () => {
    await store?.close();
    await database?.dispose();
  });

  /** Runs `call` and answers the plan of every statement it ran on violations. */
  async function plansOf(call: (db: Db) => Promise<unknown>): Promise<string[]> {
    return (await sqlitePlans(store, call)).filter((s) => /violations/.test(s.sql)).map((s) => s.plan);
  }

  it.each([3, 50, 500])("loads the lasting rows of %i devices through a device index", async (n) => {
    const plans = await plansOf((db) => loadLastingViolations(db, ids.slice(0, n)));
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatch(/USING INDEX violations_(device_id|lasting) \(device_id=\?\)/);
    expect(plans[0]).not.toContain("violations_status_id");
  });

  it("answers the lasting rows themselves (open and exempted, never resolved)", async () => {
    const rows = await loadLastingViolations(store.db, ids.slice(0, 3));
    expect(rows.map((r) => r.status).sort()).toEqual(["exempted", "exempted", "exempted", "open", "open", "open", "open", "open", "open"]);
    expect(new Set(rows.map((r) => r.deviceId))).toEqual(new Set(ids.slice(0, 3)));
  });

  it("finds the lasting agent-silent rows of returning devices through a device index", async () => {
    const plans = await plansOf((db) => lastingSilentOf(db, ids.slice(0, 3)));
    expect(plans.join("\n")).not.toContain("violations_status_id");
    expect(await lastingSilentOf(store.db, ids.slice(0, 3))).toHaveLength(3);
  });

  it("keeps the status index out of the sweeps' and exemptions' per-device lookups", async () => {
    const plans = [
      ...(await plansOf((db) => silentDevices(db, "2100-01-01T00:00:00.000Z"))),
      ...(await plansOf((db) => stoppedDevices(db, ["service-stop"], "2100-01-01T00:00:00.000Z", 1_000))),
      ...(await plansOf((db) => lastingRowsOf(db, "usb-storage", ids[0] ?? ""))),
      ...(await plansOf((db) => violationsOpenedSince(db, ids.slice(0, 3), 0))),
    ];
    expect(plans).toHaveLength(4);
    for (const plan of plans) expect(plan).not.toContain("violations_status_id");
  });
});
