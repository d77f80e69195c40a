// Hellos that arrive together share one query for their device rows (credentialBatcher), on both databases.
import { uuidv7 } from "@wegroup/shared";
import type { OperationNode } from "kysely";
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

  it("authenticates hellos arriving together with one query, each against its own row", async () => {
    const selects: OperationNode[] = [];
    const db = store.db.withPlugin({
      transformQuery: (args) => {
        if (args.node.kind === "SelectQueryNode") selects.push(args.node);
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
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
    expect(selects).toHaveLength(1);
  });
});
