// The feed hub over a real SQLite store and real HTTP responses: seq order across paths, gaps from storage, keep-alive, stuck clients.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { uuidv7, type Violation, type ViolationEvent } from "@wegroup/shared";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashSecret } from "../auth/secrets.js";
import { LocalClusterBus } from "../cluster/bus.js";
import { EventBus } from "../events/bus.js";
import type { Store } from "../store/db.js";
import { enrollDevice } from "../store/devices.js";
import { insertEvents } from "../store/events.js";
import type { Db } from "../store/schema.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { until } from "../testing/wait.js";
import { FeedHub, type FeedOptions } from "../feed/hub.js";
import { formatEvent } from "../feed/sse.js";

const sqlite = TEST_DATABASES.find((d) => d.name === "sqlite");
if (sqlite === undefined) throw new Error("no sqlite test database");

/** A raw SSE reader: parses complete messages as they arrive, so that comments and control lines are visible too. */
class RawStream {
  /** The first bytes, to check what a stream starts with. */
  head = "";
  readonly events: { id: number; violation: Violation }[] = [];
  readonly comments: string[] = [];
  ready = false;
  ended = false;
  readonly req: http.ClientRequest;
  response: http.IncomingMessage | undefined;
  #pending = "";

  constructor(url: string, headers: Record<string, string> = {}, paused = false) {
    this.req = http.get(url, { headers }, (res) => {
      this.response = res;
      if (paused) res.pause();
      res.setEncoding("utf8").on("data", (c: string) => this.#take(c));
      res.on("close", () => (this.ended = true));
    });
    this.req.on("error", () => {});
  }

  #take(chunk: string): void {
    if (this.head.length < 200) this.head += chunk.slice(0, 200);
    const blocks = (this.#pending + chunk).split("\n\n");
    this.#pending = blocks.pop() ?? "";
    for (const block of blocks) {
      if (block.startsWith(":")) this.comments.push(block);
      else if (block.includes("event: ready")) this.ready = true;
      else if (block.includes("event: violation")) {
        this.events.push({
          id: Number(/^id: (\d+)$/m.exec(block)?.[1]),
          violation: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null") as Violation,
        });
      }
    }
  }

  close(): void {
    this.req.destroy();
  }
}

let database: TestDatabase;
let store: Store;
let bus: EventBus;
let cluster: LocalClusterBus;
let hub: FeedHub;
let server: http.Server;
let url: string;
let deviceId: string;
const streams: RawStream[] = [];

async function startHub(options: Partial<FeedOptions> = {}, db: Db = store.db): Promise<void> {
  hub = new FeedHub({ db, bus, cluster, logger: pino({ level: "silent" }) }, options);
  await hub.start();
  server = http.createServer((req, res) => {
    const last = req.headers["last-event-id"];
    void hub.attach(res, typeof last === "string" ? Number(last) : undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function open(headers: Record<string, string> = {}, paused = false): RawStream {
  const s = new RawStream(url, headers, paused);
  streams.push(s);
  return s;
}

const violation = (subject: string): Violation => ({
  id: uuidv7(),
  deviceId,
  hostname: "hub-host",
  check: "usb-storage",
  subject,
  message: `USB ${subject} attached`,
  observed: "attached",
  expected: "none",
  status: "open",
  firstSeen: "2025-03-01T10:00:00.000Z",
  lastSeen: "2025-03-01T10:00:00.000Z",
  resolvedAt: null,
});

/** Commits events as another instance would: stored, and not published on this instance's bus. */
async function storeElsewhere(...subjects: string[]): Promise<ViolationEvent[]> {
  return insertEvents(
    store.db,
    subjects.map((s) => ({ kind: "opened" as const, at: "2025-03-01T10:00:00.000Z", violation: violation(s) })),
  );
}

/** Commits events here: stored, then published on the bus as the ingest does. */
async function commitHere(...subjects: string[]): Promise<ViolationEvent[]> {
  const events = await storeElsewhere(...subjects);
  for (const e of events) bus.publish(e);
  return events;
}

beforeEach(async () => {
  database = await sqlite.create();
  store = await database.openStore();
  bus = new EventBus();
  cluster = new LocalClusterBus();
  deviceId = (
    await enrollDevice(store.db, {
      newId: uuidv7(),
      hardwareId: "hw-hub",
      hostname: "hub-host",
      os: "linux",
      credentialHash: hashSecret("x"),
      now: "2025-03-01T09:00:00.000Z",
    })
  ).deviceId;
});
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  hub?.stop();
  await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  await store.close();
  await database.dispose();
});

/** The store's db, counting the queries the hub starts, and refusing them while `failing` is set. */
function flakyDb(): { db: Db; reads: () => number; fail: (on: boolean) => void } {
  let reads = 0;
  let failing = false;
  const real = store.db;
  const select = real.selectFrom.bind(real) as (...args: unknown[]) => unknown;
  const db = new Proxy(real, {
    get(target, prop) {
      if (prop === "selectFrom") {
        return (...args: unknown[]) => {
          reads++;
          if (failing) throw new Error("storage down");
          return select(...args);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db, reads: () => reads, fail: (on) => (failing = on) };
}

describe("FeedHub", () => {
  it("after a failed storage read, reads nothing until its retry timer fires, then delivers what it missed in order", async () => {
    const flaky = flakyDb();
    await startHub({}, flaky.db);
    const s = open();
    await until(() => s.ready, 5_000, "ready");
    flaky.fail(true);
    const before = flaky.reads();
    await storeElsewhere("GAP-1", "GAP-2");
    await commitHere("X"); // a gap before it: the hub reads storage, and the read fails
    await until(() => flaky.reads() === before + 1, 5_000, "the failed read");
    await commitHere("Y"); // while waiting to retry: queued, no read
    expect(flaky.reads()).toBe(before + 1);
    expect(s.events).toEqual([]);
    flaky.fail(false);
    await until(() => s.events.length === 4, 5_000, "the retry to deliver four events");
    expect(s.events.map((e) => e.violation.subject)).toEqual(["GAP-1", "GAP-2", "X", "Y"]);
    expect(flaky.reads()).toBe(before + 2);
  });

  it("starts at the newest stored event and delivers this instance's events in order, each once", async () => {
    await storeElsewhere("OLD-1");
    await startHub();
    const s = open();
    await until(() => s.ready, 5_000, "ready");
    const events = await commitHere("A", "B", "C");
    await until(() => s.events.length === 3, 5_000, "three events");
    expect(s.events.map((e) => [e.id, e.violation.subject])).toEqual(events.map((e) => [e.seq, e.violation.subject]));
    expect(s.head.startsWith(`retry: ${hub.options.retryMs}\n\n`)).toBe(true);
  });

  it("fills a gap from storage: another instance's event committed before one of its own comes first", async () => {
    await startHub();
    const s = open();
    await until(() => s.ready, 5_000, "ready");
    await storeElsewhere("ELSEWHERE-1", "ELSEWHERE-2"); // its NOTIFY has not arrived
    await commitHere("HERE-1");
    await until(() => s.events.length === 3, 5_000, "three events");
    expect(s.events.map((e) => e.violation.subject)).toEqual(["ELSEWHERE-1", "ELSEWHERE-2", "HERE-1"]);
    // The late NOTIFY of the other instance then changes nothing.
    await cluster.publish("violation", String(hub.lastSeq));
    await commitHere("HERE-2");
    await until(() => s.events.length === 4, 5_000, "four events");
    expect(new Set(s.events.map((e) => e.id)).size).toBe(4);
  });

  it("reads what another instance announces on the cluster bus", async () => {
    await startHub();
    const s = open();
    await until(() => s.ready, 5_000, "ready");
    const stored = await storeElsewhere("REMOTE-1");
    await cluster.publish("violation", String(stored[0]?.seq));
    await until(() => s.events.length === 1, 5_000, "the remote event");
    expect(s.events[0]?.violation.subject).toBe("REMOTE-1");
  });

  it("sends a keep-alive comment on every tick and then finds events whose announcement was lost", async () => {
    await startHub({ keepAliveMs: 30 });
    const s = open();
    await until(() => s.ready, 5_000, "ready");
    await storeElsewhere("LOST-NOTIFY-1");
    await until(() => s.comments.includes(": keep-alive") && s.events.length === 1, 5_000, "a keep-alive and the event");
  });

  it("replays the backlog after Last-Event-ID, then goes live, without repeats", async () => {
    const [first] = await storeElsewhere("R-1", "R-2", "R-3");
    await startHub({ pageSize: 2 });
    const s = open({ "last-event-id": String(first?.seq) });
    await until(() => s.ready, 5_000, "ready");
    await commitHere("R-4");
    await until(() => s.events.length === 3, 5_000, "backlog and live");
    expect(s.events.map((e) => e.violation.subject)).toEqual(["R-2", "R-3", "R-4"]);
  });

  it("treats a Last-Event-ID beyond every stored event (a replaced database) as the newest", async () => {
    await storeElsewhere("Z-1");
    await startHub();
    const s = open({ "last-event-id": "999999" });
    await until(() => s.ready, 5_000, "ready");
    await commitHere("Z-2");
    await until(() => s.events.length === 1, 5_000, "the next event");
    expect(s.events[0]?.violation.subject).toBe("Z-2");
  });

  it("drops a stuck client after its budget is full and it took nothing for stuckClientMs, while another receives every event", async () => {
    await startHub({ clientBufferBytes: 64 * 1024, stuckClientMs: 300, pageSize: 100 });
    const healthy = open();
    const stuck = open({}, true);
    await until(() => hub.clientCount === 2 && healthy.ready, 5_000, "two clients");
    const long = "x".repeat(1_900);
    const committed: ViolationEvent[] = [];
    // ~12 MB: more than the budget and every socket buffer between the two ends.
    for (let i = 0; i < 60; i++) committed.push(...(await commitHere(...Array.from({ length: 100 }, (_, j) => `${long}-${i}-${j}`))));
    await until(() => hub.dropped === 1, 10_000, "the stuck client to be dropped");
    expect(hub.clientCount).toBe(1);
    await until(() => healthy.events.length === committed.length, 20_000, "every event at the healthy client");
    expect(healthy.events.map((e) => e.id)).toEqual(committed.map((e) => e.seq));
    stuck.response?.resume();
    await until(() => stuck.ended, 10_000, "the stuck stream to end");
  });

  it("ends every stream on stop", async () => {
    await startHub();
    const s = open();
    await until(() => s.ready, 5_000, "ready");
    hub.stop();
    await until(() => s.ended, 5_000, "the stream to end");
  });

  it("formats an event as one SSE message with the seq as id", () => {
    const v = violation("FMT-1");
    expect(formatEvent({ seq: 7, kind: "opened", at: v.firstSeen, violation: { ...v, message: "two\nlines" } })).toBe(
      `id: 7\nevent: violation\ndata: ${JSON.stringify({ ...v, message: "two\nlines" })}\n\n`,
    );
    expect(formatEvent({ seq: 7, kind: "opened", at: v.firstSeen, violation: { ...v, message: "two\nlines" } }).split("\n")).toHaveLength(
      5,
    );
  });
});
