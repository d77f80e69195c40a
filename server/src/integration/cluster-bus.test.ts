// The cluster bus: in-process on SQLite; LISTEN/NOTIFY between instances on the real PostgreSQL, per schema, surviving a cut connection.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../store/db.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { until, withTimeout } from "../testing/wait.js";
import { channelName, type ClusterBus, type ClusterChannel, LocalClusterBus, PgClusterBus } from "../cluster/bus.js";

/** Collects what a bus delivers on one channel and waits for it with a bound. */
function listen(bus: ClusterBus, channel: ClusterChannel): { heard: string[]; waitFor(payload: string): Promise<void> } {
  const heard: string[] = [];
  bus.subscribe(channel, (p) => heard.push(p));
  return { heard, waitFor: (payload) => until(() => heard.includes(payload), 5_000, `"${payload}" on ${channel}`) };
}

describe("LocalClusterBus", () => {
  it("delivers a publish to this process's subscribers of that channel only, never synchronously inside publish", async () => {
    const bus = new LocalClusterBus();
    const violation = listen(bus, "violation");
    const policy = listen(bus, "policy");
    const published = bus.publish("violation", "42");
    expect(violation.heard).toEqual([]); // asynchronous, as a NOTIFY would be
    await published;
    await violation.waitFor("42");
    expect(policy.heard).toEqual([]);
  });

  it("stops delivering to a handler that unsubscribed and keeps delivering past a handler that throws", async () => {
    const errors: unknown[] = [];
    const bus = new LocalClusterBus((e) => errors.push(e));
    const gone: string[] = [];
    const unsubscribe = bus.subscribe("policy", (p) => gone.push(p));
    bus.subscribe("policy", () => {
      throw new Error("handler bug");
    });
    const kept = listen(bus, "policy");
    unsubscribe();
    await bus.publish("policy", "7");
    await kept.waitFor("7");
    expect(gone).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it("refuses a payload of 8000 bytes or more (send ids, not documents)", async () => {
    await expect(new LocalClusterBus().publish("violation", "x".repeat(8_000))).rejects.toThrow(/ids, not documents/);
  });
});

describe("channelName", () => {
  it("carries the schema, and stays within PostgreSQL's 63-byte identifiers for long schema names", () => {
    expect(channelName("public", "violation")).toBe("compliance.public.violation");
    const long = channelName("s".repeat(80), "violation");
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(63);
    expect(long).not.toBe(channelName("t".repeat(80), "violation"));
  });
});

describe.each(TEST_DATABASES.filter((d) => d.name === "postgres"))("PgClusterBus on $name", (kind) => {
  let one: TestDatabase;
  let other: TestDatabase;
  const stores: Store[] = [];
  const buses: ClusterBus[] = [];
  const open = async (database: TestDatabase): Promise<{ bus: PgClusterBus; store: Store }> => {
    if (database.target.kind !== "postgres") throw new Error("expected PostgreSQL");
    const store = await database.openStore();
    stores.push(store);
    const bus = await PgClusterBus.open({ url: database.target.url, db: store.db, retryMs: { first: 20, max: 200 } });
    buses.push(bus);
    return { bus, store };
  };

  beforeAll(async () => {
    one = await kind.create();
    other = await kind.create();
  });
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await Promise.all(stores.map((s) => s.close()));
    await one?.dispose();
    await other?.dispose();
  });

  it("delivers a publish to every instance on the same schema, the publisher included, and to none on another schema", async () => {
    const a = await open(one);
    const b = await open(one);
    const stranger = await open(other);
    const atA = listen(a.bus, "violation");
    const atB = listen(b.bus, "violation");
    const atStranger = listen(stranger.bus, "violation");
    const policyAtB = listen(b.bus, "policy");
    await a.bus.publish("violation", "101");
    await b.bus.publish("policy", "3");
    await Promise.all([atA.waitFor("101"), atB.waitFor("101"), policyAtB.waitFor("3")]);
    // The stranger hears its own publish, which proves it listens, and nothing of the other schema.
    await stranger.bus.publish("violation", "stranger");
    await atStranger.waitFor("stranger");
    expect(atStranger.heard).toEqual(["stranger"]);
    expect(atB.heard).toEqual(["101"]);
  });

  it("delivers publishes in the order they were sent", async () => {
    const a = await open(one);
    const b = await open(one);
    const atB = listen(b.bus, "violation");
    for (let i = 1; i <= 50; i++) await a.bus.publish("violation", String(i));
    await atB.waitFor("50");
    expect(atB.heard).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
  });

  it("re-establishes a cut LISTEN connection, says so to onReconnect subscribers, and delivers again", async () => {
    const a = await open(one);
    const b = await open(one);
    let reconnects = 0;
    b.bus.onReconnect(() => reconnects++);
    const atB = listen(b.bus, "silent");
    const pid = b.bus.listenerPid;
    expect(pid).toBeTypeOf("number");
    await sql`select pg_terminate_backend(${pid})`.execute(a.store.db);
    await until(() => reconnects === 1, 5_000, "the reconnect");
    expect(b.bus.listenerPid).not.toBe(pid);
    await a.bus.publish("silent", "device-1");
    await atB.waitFor("device-1");
  });

  it("closes without leaving its reconnect timer or connection behind", async () => {
    const a = await open(one);
    await a.bus.close();
    expect(a.bus.listenerPid).toBeUndefined();
    await withTimeout(a.bus.close(), 1_000, "a second close");
  });
});
