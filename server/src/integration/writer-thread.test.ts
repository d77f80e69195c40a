// The SQLite writer thread against a real database file: batches applied once with their events, the store's errors
// classified as the server's own, a dead thread failing what it held and starting again, and the server's connection
// writing beside it without "database is locked".
import { uuidv7 } from "@wegroup/shared";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import type { IngestItem } from "../ingest/apply.js";
import { WriterThread } from "../ingest/writer-client.js";
import { migrateToLatest, openStore, type Store } from "../store/db.js";
import { enrollDevice } from "../store/devices.js";
import { classifyStoreError, StoreUnavailableError } from "../store/failure.js";
import { reportFrame, usbFail } from "../testing/frames.js";

let dir: string;
let file: string;
let store: Store;
const threads: WriterThread[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "compliance-writer-"));
  file = path.join(dir, "compliance.db");
  store = openStore({ kind: "sqlite", path: file });
  await migrateToLatest(store);
});
afterEach(async () => {
  await Promise.all(threads.splice(0).map((t) => t.close()));
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const thread = (setup: Partial<ConstructorParameters<typeof WriterThread>[0]> = {}, script?: URL): WriterThread => {
  const t = script === undefined ? new WriterThread({ path: file, ...setup }) : new WriterThread({ path: file, ...setup }, script);
  threads.push(t);
  return t;
};

async function device(hostname: string): Promise<string> {
  const at = new Date().toISOString();
  return (
    await enrollDevice(store.db, {
      newId: uuidv7(),
      hardwareId: `hw-${hostname}`,
      hostname,
      os: "linux",
      credentialHash: hashSecret("x"),
      now: at,
    })
  ).deviceId;
}

const reportItem = (deviceId: string, ...serials: string[]): Extract<IngestItem, { kind: "report" }> => ({
  kind: "report",
  deviceId,
  report: reportFrame([usbFail(...serials)]),
  receivedAt: new Date().toISOString(),
});

describe("the SQLite writer thread", () => {
  it("applies a batch in one transaction: reports stored once, violations opened, events numbered, a resend changing nothing", async () => {
    const [a, b] = [await device("writer-a"), await device("writer-b")];
    const first = reportItem(a, "SER-A");
    const writer = thread();
    const applied = await writer.apply([
      first,
      reportItem(b, "SER-B1", "SER-B2"),
      { kind: "activity", activity: { deviceId: a, lastSeen: first.receivedAt } },
    ]);
    expect(applied.results).toEqual([
      { kind: "report", stored: true, outdated: false },
      { kind: "report", stored: true, outdated: false },
      { kind: "activity" },
    ]);
    expect(applied.events.map((e) => [e.kind, e.violation.deviceId, e.violation.subject])).toEqual([
      ["opened", a, "SER-A"],
      ["opened", b, "SER-B1"],
      ["opened", b, "SER-B2"],
    ]);
    const ids = applied.events.map((e) => e.seq);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    // Committed before the answer: the server's own connection reads it.
    const rows = await sql<{ n: number }>`select count(*) as n from violations where status = 'open'`.execute(store.db);
    expect(rows.rows[0]?.n).toBe(3);

    const again = await writer.apply([first]);
    expect(again).toEqual({ results: [{ kind: "report", stored: false, outdated: false }], events: [] });
  });

  it("answers a full database as SQLITE_FULL, which the server classifies as unavailable (disk full), and stores nothing of that batch", async () => {
    const d = await device("writer-full");
    const pages = await sql<{ page_count: number }>`pragma page_count`.execute(store.db);
    const writer = thread({ sqliteMaxPageCount: (pages.rows[0]?.page_count ?? 0) + 60 });
    let failure: unknown;
    let stored = 0;
    for (let n = 0; n < 100 && failure === undefined; n++) {
      const item = reportItem(d, ...Array.from({ length: 8 }, (_, i) => `SERIAL-${n}-${i}-`.padEnd(400, "x")));
      try {
        await writer.apply([item]);
        stored++;
      } catch (error) {
        failure = error;
      }
    }
    expect(stored).toBeGreaterThan(0);
    expect(failure).toMatchObject({ code: "SQLITE_FULL" });
    expect(classifyStoreError(failure)).toMatchObject({ kind: "unavailable", reason: expect.stringMatching(/^disk full/) });
    const rows = await sql<{ n: number }>`select count(*) as n from reports`.execute(store.db);
    expect(rows.rows[0]?.n).toBe(stored);
  });

  it("fails the batches a dead thread held as unavailable (sent again, never split), and starts a new thread for the next", async () => {
    const crash = path.join(dir, "crash.mjs");
    await writeFile(crash, "process.exit(3);\n");
    const writer = thread({}, pathToFileURL(crash));
    await expect(writer.apply([reportItem(await device("writer-dead"), "X")])).rejects.toThrow(StoreUnavailableError);
    await expect(writer.apply([reportItem(await device("writer-dead-2"), "Y")])).rejects.toThrow(/exit code 3/);
  });

  it("lets the server's connection write in transactions beside it (both begin IMMEDIATE: they wait, never 'database is locked')", async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => device(`writer-busy-${i}`)));
    const writer = thread();
    const batches = Array.from({ length: 40 }, (_, n) => writer.apply(ids.map((id, i) => reportItem(id, `SER-${n}-${i}`))));
    await batches[0];
    // Read, then write, in one transaction on the server's connection while the thread commits batch after batch.
    const mine = Array.from({ length: 40 }, (_, n) =>
      store.db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom("devices")
          .select("hostname")
          .where("id", "=", ids[n % ids.length] ?? "")
          .executeTakeFirstOrThrow();
        // Long enough for the thread to commit a batch after this read.
        await new Promise((resolve) => setTimeout(resolve, 3));
        await trx
          .updateTable("devices")
          .set({ hostname: `${row.hostname}.` })
          .where("id", "=", ids[n % ids.length] ?? "")
          .execute();
      }),
    );
    const settled = await Promise.allSettled([...batches, ...mine]);
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    const opened = await sql<{ n: number }>`select count(*) as n from violations`.execute(store.db);
    expect(opened.rows[0]?.n).toBe(40 * 20);
  });
});
