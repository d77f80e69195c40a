// A full SQLite database (SQLITE_FULL, "database or disk is full") in the real server: no ack, /healthz 503 with the reason, recovery once there is room.
import { type CheckViolation, type ErrorFrame, HealthUnavailable } from "@wegroup/shared";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { reportFrame } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";
import { until } from "../testing/wait.js";

let server: TestServer | undefined;
const agents: TestAgent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await server?.stop();
  server = undefined;
});

/** The ack or the error frame that answers report `id` (left among the agent's frames). */
async function answerTo(agent: TestAgent, id: string) {
  const find = () => agent.frames.find((f) => (f.type === "ack" && f.id === id) || (f.type === "error" && f.ref === id));
  await until(() => find() !== undefined, 10_000, `an answer to report ${id}`);
  return find()!;
}

/** Large enough that a few dozen of them fill the pages the database may have. */
const bulky = (n: number): CheckViolation[] =>
  Array.from({ length: 8 }, (_, i) => ({
    subject: `SERIAL-${n}-${i}`,
    message: `stick ${n}/${i} `.padEnd(1_900, "x"),
    observed: "attached",
    expected: "none",
  }));

describe("a full disk under SQLite", () => {
  it("refuses to acknowledge, says so on /healthz and in the error frame, and recovers when there is room again", async () => {
    // A nearly full disk: room for a few reports beyond what the database holds once started and a device enrolled.
    // The limit is set on the server's own connection, so batches are applied on it (the writer thread meets
    // SQLITE_FULL the same way: writer-thread.test.ts).
    server = await TestServer.start({ tuning: { sqliteMaxPageCount: 1_000_000, sqliteWriterThread: false } });
    const { deviceId, credential } = await server.enroll();
    const pages = await sql<{ page_count: number }>`pragma page_count`.execute(server.server.store.db);
    await sql.raw(`pragma max_page_count = ${(pages.rows[0]?.page_count ?? 0) + 22}`).execute(server.server.store.db);
    const agent = await TestAgent.hello(server.wsUrl, deviceId, credential);
    agents.push(agent);

    const acked: string[] = [];
    let refused: { frame: ErrorFrame; id: string; report: ReturnType<typeof reportFrame> } | undefined;
    for (let n = 0; n < 60 && refused === undefined; n++) {
      const report = reportFrame([{ check: "usb-storage", status: "fail", violations: bulky(n) }], {
        observedAt: new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString(),
      });
      agent.send(report);
      const answer = await answerTo(agent, report.id);
      if (answer.type === "ack") acked.push(report.id);
      else if (answer.type === "error") refused = { frame: answer, id: report.id, report };
    }
    expect(acked.length).toBeGreaterThan(0);
    expect(refused?.frame).toMatchObject({ code: "unavailable", message: expect.stringMatching(/disk full.*database or disk is full/) });
    expect(agent.frames.filter((f) => f.type === "ack" && f.id === refused?.id)).toEqual([]);

    const down = await server.get("/healthz", null);
    expect(down.status).toBe(503);
    expect(HealthUnavailable.parse(down.body)).toMatchObject({ status: "unavailable", reason: expect.stringMatching(/disk full/) });
    expect(server.logs.join("\n")).not.toMatch(/cannot rollback/);
    expect(server.logs.some((l) => l.includes("SQLITE_FULL"))).toBe(true);

    // Room again (an operator freed space): the agent's resend is stored and acknowledged, and health returns.
    await sql`pragma max_page_count = 1000000`.execute(server.server.store.db);
    agent.send(refused!.report);
    await agent.ack(refused!.id);
    expect(await server.get("/healthz", null)).toMatchObject({ status: 200, body: { status: "ok" } });
    const stored = await sql<{ id: string }>`select id from reports`.execute(server.server.store.db);
    expect(stored.rows.map((r) => r.id).sort()).toEqual([...acked, refused!.id].sort());
  });
});
