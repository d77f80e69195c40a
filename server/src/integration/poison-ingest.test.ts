// Poison items at the ingest boundary and in the database, on SQLite and PostgreSQL: clear refusals, honest reports stored meanwhile, nothing retried forever.
import { type CheckViolation, MAX_INT32, type ReportFrame } from "@wegroup/shared";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { TEST_DATABASES, type TestDatabase, type TestDatabaseKind } from "../testing/databases.js";
import { reportFrame, usbFail } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";
import { until } from "../testing/wait.js";

const agents: TestAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

/** The ack or the error frame that answers report `id` (left among the agent's frames). */
async function answerTo(agent: TestAgent, id: string) {
  const find = () => agent.frames.find((f) => (f.type === "ack" && f.id === id) || (f.type === "error" && f.ref === id));
  await until(() => find() !== undefined, 10_000, `an answer to report ${id}`);
  return find()!;
}

const violation = (subject: string): CheckViolation => ({
  subject,
  message: `USB mass storage ${subject} is attached`,
  observed: "attached",
  expected: "none",
});

describe.each(TEST_DATABASES)("poison-proof ingest on $name", (kind: TestDatabaseKind) => {
  let database: TestDatabase;
  let server: TestServer;

  const connect = async () => {
    const { deviceId, credential } = await server.enroll();
    const agent = await TestAgent.hello(server.wsUrl, deviceId, credential);
    agents.push(agent);
    return agent;
  };
  const storedIds = async () => (await sql<{ id: string }>`select id from reports`.execute(server.server.store.db)).rows.map((r) => r.id);

  beforeAll(async () => {
    database = await kind.create();
    // A window wide enough that the reports sent together share one batch.
    server = await TestServer.start({
      database: database.target,
      tuning: { batchMaxDelayMs: 30, maxViolationsOpenedPerDevicePerDay: 10, enrollBurst: 100 },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await database?.dispose();
  });

  it.each<[string, (r: ReportFrame) => unknown, RegExp]>([
    [
      "a NUL in a subject",
      (r) => ({ ...r, results: [usbFail("SER\u0000IAL")] }),
      /results\[0\]\.violations\[0\]\.subject: must not contain the NUL character/,
    ],
    [
      "a lone surrogate in a message",
      (r) => ({ ...r, results: [{ ...usbFail("SER1"), violations: [{ ...violation("SER1"), message: "bad \ud800 half" }] }] }),
      /results\[0\]\.violations\[0\]\.message: must be well-formed Unicode/,
    ],
    ["policyVersion 2^31 (beyond PostgreSQL's integer)", (r) => ({ ...r, policyVersion: MAX_INT32 + 1 }), /policyVersion: .*2147483647/],
    [
      "more violations than a report may list",
      (r) => ({
        ...r,
        results: [{ check: "usb-storage", status: "fail", violations: Array.from({ length: 1_001 }, (_, i) => violation(`S${i}`)) }],
      }),
      /results: more than 1000 violations in one report/,
    ],
  ])("refuses %s at the boundary with an error naming the field, while an honest agent is served", async (_name, poison, message) => {
    const honest = await connect();
    const attacker = await connect();
    const bad = reportFrame([usbFail("SER1")]);
    const good = Array.from({ length: 10 }, (_, i) =>
      reportFrame([usbFail(`OK${i % 2}`)], { observedAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString() }),
    );
    attacker.send(poison(bad) as object);
    for (const r of good) honest.send(r);
    expect(await answerTo(attacker, bad.id)).toMatchObject({
      type: "error",
      code: "invalid_frame",
      message: expect.stringMatching(message),
    });
    for (const r of good) expect(await answerTo(honest, r.id)).toEqual({ type: "ack", id: r.id });
    const stored = await storedIds();
    expect(stored).not.toContain(bad.id);
    expect(stored).toEqual(expect.arrayContaining(good.map((r) => r.id)));
    // The attacker's connection keeps working for valid frames.
    const after = reportFrame([usbFail("SER2")]);
    attacker.send(after);
    expect(await answerTo(attacker, after.id)).toEqual({ type: "ack", id: after.id });
  });

  it("isolates a report the database itself refuses, refuses it for good with the reason, and stores the honest reports of its batch", async () => {
    // The database, not the schema, refuses this one (as PostgreSQL refused NUL text before the schema did).
    if (kind.name === "postgres") {
      await sql`create function refuse_poison() returns trigger language plpgsql as $$
        begin if new.body like '%POISONED%' then raise exception 'poisoned report refused by the database' using errcode = '22023'; end if; return new; end $$`.execute(
        server.server.store.db,
      );
      await sql`create trigger refuse_poison before insert on reports for each row execute function refuse_poison()`.execute(
        server.server.store.db,
      );
    } else {
      await sql`create trigger refuse_poison before insert on reports when new.body like '%POISONED%' begin select raise(abort, 'poisoned report refused by the database'); end`.execute(
        server.server.store.db,
      );
    }
    const honest = await connect();
    const other = await connect();
    const good = Array.from({ length: 20 }, (_, i) =>
      reportFrame([usbFail("FINE")], { observedAt: new Date(Date.UTC(2025, 0, 2, 0, i)).toISOString() }),
    );
    const poison = reportFrame([usbFail("POISONED")]);
    for (const r of good.slice(0, 10)) honest.send(r);
    other.send(poison);
    for (const r of good.slice(10)) honest.send(r);

    expect(await answerTo(other, poison.id)).toMatchObject({
      type: "error",
      code: "invalid_frame",
      message: expect.stringMatching(/refused for good: poisoned report refused by the database/),
    });
    for (const r of good) expect(await answerTo(honest, r.id)).toEqual({ type: "ack", id: r.id });
    const stored = await storedIds();
    expect(stored).toEqual(expect.arrayContaining(good.map((r) => r.id)));
    expect(stored).not.toContain(poison.id);
    expect(await server.get("/healthz", null)).toMatchObject({ status: 200 });
    await sql`drop trigger refuse_poison ${sql.raw(kind.name === "postgres" ? "on reports" : "")}`.execute(server.server.store.db);
  });

  it("refuses a report that would make one device open more violations a day than the cap, and serves other devices", async () => {
    const noisy = await connect();
    const first = reportFrame(
      [{ check: "usb-storage", status: "fail", violations: Array.from({ length: 8 }, (_, i) => violation(`A${i}`)) }],
      { observedAt: "2025-01-03T00:00:00.000Z" },
    );
    noisy.send(first);
    expect(await answerTo(noisy, first.id)).toEqual({ type: "ack", id: first.id });
    const more = reportFrame(
      [{ check: "usb-storage", status: "fail", violations: Array.from({ length: 13 }, (_, i) => violation(`A${i}`)) }],
      { observedAt: "2025-01-03T00:01:00.000Z" },
    );
    noisy.send(more);
    expect(await answerTo(noisy, more.id)).toMatchObject({
      type: "error",
      code: "rate_limited",
      message: expect.stringMatching(/opened 8 violations in the last 24 hours and this report would open 5 more; at most 10 a day/),
    });
    expect(await storedIds()).not.toContain(more.id);
    const quiet = await connect();
    const fine = reportFrame([usbFail("QUIET")]);
    quiet.send(fine);
    expect(await answerTo(quiet, fine.id)).toEqual({ type: "ack", id: fine.id });
  });
});
