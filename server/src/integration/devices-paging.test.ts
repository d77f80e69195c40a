// GET /api/v1/devices in pages by cursor on the real server, SQLite and PostgreSQL: filters hold across page
// boundaries, the counts per status are those of every page, and a cursor the server did not give out is a 400.
import { DeviceList } from "@wegroup/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { TEST_DATABASES, type TestDatabase } from "../testing/databases.js";
import { reportFrame, usbFail } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";

describe.each(TEST_DATABASES)("device pages on $name", (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  const agents: TestAgent[] = [];

  /** Follows nextCursor from the first page; every page must carry the same counts. */
  async function walk(query: string): Promise<{ pages: string[][]; byStatus: DeviceList["byStatus"] }> {
    const pages: string[][] = [];
    let byStatus: DeviceList["byStatus"];
    let cursor: string | null = null;
    do {
      const answer = await server.get(`/api/v1/devices?${query}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(answer.status).toBe(200);
      const page = DeviceList.parse(answer.body);
      if (byStatus === undefined) byStatus = page.byStatus;
      else expect(page.byStatus).toEqual(byStatus);
      pages.push(page.items.map((d) => d.hostname));
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 50);
    return { pages, byStatus };
  }

  beforeAll(async () => {
    database = await kind.create();
    server = await TestServer.start({ database: database.target, tuning: { enrollBurst: 100, enrollPerMinute: 100 } });
    // Enrolled, never connected: offline. Enrolled out of order, so the pages' order is the server's.
    for (const hostname of ["fin-04", "ops-02", "fin-01", "fin-05", "ops-01", "fin-03", "fin-02"])
      await server.enroll(`hw-${hostname}`, hostname);
    // Connected with a failing check: noncompliant.
    for (const hostname of ["fin-08", "fin-06", "fin-07"]) {
      const { deviceId, credential } = await server.enroll(`hw-${hostname}`, hostname);
      const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, {
        agentVersion: "1.2.3",
        device: { hostname, platform: "linux", agentVersion: "1.2.3" },
      });
      agents.push(agent);
      const frame = reportFrame([usbFail(`S-${hostname}`)]);
      agent.send(frame);
      await agent.ack(frame.id);
    }
  });
  afterAll(async () => {
    await Promise.all(agents.splice(0).map((a) => a.close()));
    await server?.stop();
    await database?.dispose();
  });

  it("pages a hostname filter by hostname past page boundaries, with the counts of all pages on each", async () => {
    const { pages, byStatus } = await walk("q=FIN&limit=3");
    expect(pages).toEqual([
      ["fin-01", "fin-02", "fin-03"],
      ["fin-04", "fin-05", "fin-06"],
      ["fin-07", "fin-08"],
    ]);
    expect(byStatus).toEqual({ compliant: 0, noncompliant: 3, unknown: 0, offline: 5 });
  });

  it("pages a status filter with a hostname filter, and a status filter alone", async () => {
    expect((await walk("q=fin&status=noncompliant&limit=2")).pages).toEqual([["fin-06", "fin-07"], ["fin-08"]]);
    const offline = await walk("status=offline&limit=4");
    expect(offline.pages).toEqual([
      ["fin-01", "fin-02", "fin-03", "fin-04"],
      ["fin-05", "ops-01", "ops-02"],
    ]);
    expect(offline.byStatus).toEqual({ compliant: 0, noncompliant: 3, unknown: 0, offline: 7 });
  });

  it("answers every matching device at once when no limit is asked (no cap), in hostname order", async () => {
    const page = DeviceList.parse((await server.get("/api/v1/devices?q=ops")).body);
    expect(page.items.map((d) => d.hostname)).toEqual(["ops-01", "ops-02"]);
    expect(page.nextCursor).toBeNull();
    expect(DeviceList.parse((await server.get("/api/v1/devices")).body).items).toHaveLength(10);
  });

  it("answers every device on one page when the limit allows, with no next cursor", async () => {
    const page = DeviceList.parse((await server.get("/api/v1/devices?limit=10")).body);
    expect(page.items).toHaveLength(10);
    expect(page.nextCursor).toBeNull();
    expect((await walk("limit=9")).pages.map((p) => p.length)).toEqual([9, 1]);
  });

  it("refuses a cursor it did not give out, and a limit out of range, with a 400 naming the parameter", async () => {
    for (const cursor of ["not-a-cursor", Buffer.from('d1:["fin-01"]').toString("base64url")]) {
      const answer = await server.get(`/api/v1/devices?cursor=${cursor}`);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toMatch(/cursor: not a cursor this server gave out/);
    }
    for (const limit of ["0", "1001", "two"]) {
      const answer = await server.get(`/api/v1/devices?limit=${limit}`);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toMatch(/limit/);
    }
  });
});
