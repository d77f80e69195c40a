// Hellos that arrive together share one query for their device rows (credentialBatcher), on both databases.
import { uuidv7 } from "@wegroup/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateDevice, credentialBatcher } from "../auth/device-auth.js";
import { hashSecret } from "../auth/secrets.js";
import type { Store } from "../store/db.js";
import { enrollDevice, findDeviceCredentials } from "../store/devices.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";

describe.each(TEST_DATABASES)("device credentials on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  const ids: string[] = [];

  beforeAll(async () => {
    database = await kind.create();
    store = await database.openStore();
    for (let i = 0; i < 3; i++) {
      const enrolled = await enrollDevice(store.db, {
        newId: uuidv7(),
        hardwareId: `hw-cred-${i}`,
        hostname: `cred-${i}`,
        os: "linux",
        credentialHash: hashSecret(`credential-${i}`),
        now: new Date().toISOString(),
      });
      ids.push(enrolled.deviceId);
    }
  });
  afterAll(async () => {
    await store?.close();
    await database?.dispose();
  });

  it("answers many rows in the order asked, a missing device as undefined, a repeated one twice", async () => {
    const unknown = uuidv7();
    const rows = await findDeviceCredentials(store.db, [ids[2] ?? "", unknown, ids[0] ?? "", ids[2] ?? ""]);
    expect(rows.map((r) => r?.id)).toEqual([ids[2], undefined, ids[0], ids[2]]);
    expect(rows[0]?.credential_hash).toBe(hashSecret("credential-2"));
  });

  it("finds rows across statements of 100 ids and a padded last one (250 ids asked, the known ones at 0, 150 and 249)", async () => {
    const asked = Array.from({ length: 250 }, () => uuidv7());
    [asked[0], asked[150], asked[249]] = [ids[0] ?? "", ids[1] ?? "", ids[2] ?? ""];
    const rows = await findDeviceCredentials(store.db, asked);
    expect(rows.flatMap((r, i) => (r === undefined ? [] : [[i, r.id]]))).toEqual([
      [0, ids[0]],
      [150, ids[1]],
      [249, ids[2]],
    ]);
  });

  it("authenticates hellos arriving together with one query, each against its own row", async () => {
    // Every statement's result passes the plugin, the query builder's and the hot path's cached texts alike.
    let statements = 0;
    const db = store.db.withPlugin({
      transformQuery: (args) => args.node,
      transformResult: (args) => {
        statements++;
        return Promise.resolve(args.result);
      },
    });
    const lookup = credentialBatcher(db);
    const hello = (deviceId: string, credential: string) => ({ deviceId, credential });
    const outcomes = await Promise.all([
      authenticateDevice(db, hello(ids[0] ?? "", "credential-0"), undefined, () => "", lookup),
      authenticateDevice(db, hello(ids[1] ?? "", "credential-0"), undefined, () => "", lookup),
      authenticateDevice(db, hello(uuidv7(), "credential-2"), undefined, () => "", lookup),
      authenticateDevice(db, hello(ids[2] ?? "", "credential-2"), undefined, () => "", lookup),
    ]);
    expect(outcomes.map((o) => o.result)).toEqual(["ok", "wrong-credential", "unknown-device", "ok"]);
    expect(statements).toBe(1);
  });
});
