// Erasure without remnants on the real server: no byte of the erased hostname, user or serial left in the SQLite file and its WAL, no row on PostgreSQL, none in the log; exact, Unicode-correct user matching; no re-identification by the next report.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { type CheckResult, PrivacyErased, PrivacyExport } from "@wegroup/shared";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestAgent } from "../testing/agent-client.js";
import { TEST_DATABASES, type TestDatabase, type TestDatabaseKind } from "../testing/databases.js";
import { reportFrame } from "../testing/frames.js";
import { TestServer } from "../testing/harness.js";

const HOST = "erase-host-q7x";
const USER = "Ölafsdóttir";
const SERIAL = "SERIAL-Q7X-001";

const screenLock = (...users: string[]): CheckResult => ({
  check: "screen-lock",
  status: "fail",
  violations: users.map((u) => ({
    subject: u,
    message: `The screen of ${u} never locks (/home/${u}/.config/kscreenlockerrc)`,
    observed: "kde: never idle",
    expected: "locks after 15 min",
  })),
});
const stick = (serial: string, owner: string): CheckResult => ({
  check: "usb-storage",
  status: "fail",
  violations: [
    {
      subject: serial,
      message: `USB mass storage ${serial} is attached`,
      observed: `SanDisk mounted at /media/${owner}/STICK`,
      expected: "none",
    },
  ],
});
const software: CheckResult = {
  check: "software",
  status: "fail",
  violations: [
    { subject: "nmap", message: "software nmap is denied (port-scanner)", observed: "nmap 7.93 (dpkg)", expected: "not installed" },
  ],
};

/** Every spelling a remnant could take in the files: as sent, folded, in NFD, and as JSON escapes it. */
const spellingsOf = (text: string): string[] => [
  ...new Set([text, text.toLowerCase(), text.normalize("NFD"), JSON.stringify(text).slice(1, -1)]),
];

describe.each(TEST_DATABASES)("erasure without remnants on $name", (kind: TestDatabaseKind) => {
  let database: TestDatabase;
  let server: TestServer;
  const agents: TestAgent[] = [];

  const connect = async (hostname: string) => {
    const { deviceId, credential } = await server.enroll(`hw-${hostname}`, hostname);
    const agent = await TestAgent.hello(server.wsUrl, deviceId, credential, { device: { hostname, platform: "linux", agentVersion: "1" } });
    agents.push(agent);
    return { deviceId, agent };
  };
  const report = async (agent: TestAgent, results: CheckResult[], minute: number) => {
    const r = reportFrame(results, { observedAt: new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString() });
    agent.send(r);
    await agent.ack(r.id);
  };
  /** Every row of every table of the store, as text. */
  const everyRow = async (): Promise<string> => {
    const tables =
      kind.name === "sqlite"
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(server.server.store.db)).rows.map(
            (r) => r.name,
          )
        : (
            await sql<{
              name: string;
            }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(
              server.server.store.db,
            )
          ).rows.map((r) => r.name);
    const parts: string[] = [];
    for (const table of tables)
      parts.push(JSON.stringify((await sql`select * from ${sql.table(table)}`.execute(server.server.store.db)).rows));
    return parts.join("\n");
  };

  beforeAll(async () => {
    database = await kind.create();
    server = await TestServer.start({ database: database.target, tuning: { enrollBurst: 100 } });
  });
  afterAll(async () => {
    await Promise.all(agents.splice(0).map((a) => a.close()));
    await server?.stop();
    await database?.dispose();
  });

  it("exports a user by exact, Unicode-correct match, erases every trace, and pseudonymises them again when a device reports them later", async () => {
    const erased = await connect(HOST);
    const kept = await connect("keep-host");
    // Several reports, so that pages are rewritten and the WAL holds old copies.
    for (let i = 0; i < 5; i++) {
      await report(erased.agent, [screenLock(USER, "carol"), stick(SERIAL, USER)], 2 * i);
      await report(erased.agent, [screenLock(USER), { check: "usb-storage", status: "pass", violations: [] }], 2 * i + 1);
    }
    await report(kept.agent, [screenLock(USER, "dave"), software], 20);

    // Exact and Unicode-correct: any case of her name finds her rows on both devices; "software" is no one here.
    const mine = PrivacyExport.parse((await server.get(`/api/v1/privacy/export?user=${encodeURIComponent(USER.toLowerCase())}`)).body);
    expect(new Set(mine.violations.map((v) => v.deviceId))).toEqual(new Set([erased.deviceId, kept.deviceId]));
    expect(mine.violations.some((v) => v.subject === SERIAL)).toBe(true); // her stick, found by her media folder
    expect(JSON.stringify(mine)).not.toMatch(/carol|dave|nmap/);
    const nobody = PrivacyExport.parse((await server.get("/api/v1/privacy/export?user=software")).body);
    expect([nobody.violations, nobody.events, nobody.results, nobody.reports, nobody.exemptions].map((l) => l.length)).toEqual([
      0, 0, 0, 0, 0,
    ]);

    const user = PrivacyErased.parse(
      (await server.request("POST", "/api/v1/privacy/erase", { token: server.adminToken, body: { user: USER } })).body,
    );
    expect(user.counts.violations).toBeGreaterThanOrEqual(3);
    const device = await server.request("POST", "/api/v1/privacy/erase", { token: server.adminToken, body: { device: erased.deviceId } });
    expect(device.status).toBe(200);

    const rows = await everyRow();
    for (const gone of [HOST, USER, SERIAL])
      for (const spelling of spellingsOf(gone)) expect(rows, `${spelling} left in a table`).not.toContain(spelling);
    expect(rows).toContain("keep-host");
    expect(rows).toContain("dave");
    expect(rows).toContain(user.pseudonym);

    if (database.target.kind === "sqlite") {
      const file = database.target.path;
      for (const f of [file, `${file}-wal`]) {
        const bytes = await readFile(f).catch(() => Buffer.alloc(0));
        for (const gone of [HOST, USER, SERIAL])
          for (const spelling of spellingsOf(gone))
            expect(bytes.includes(Buffer.from(spelling, "utf8")), `${spelling} in ${path.basename(f)}`).toBe(false);
      }
    }

    // She is still logged in on the kept device: its next report does not identify her again.
    await report(kept.agent, [screenLock(USER, "dave"), stick("SERIAL-KEEP-2", USER)], 30);
    const after = await everyRow();
    for (const spelling of spellingsOf(USER)) expect(after, `${spelling} stored again`).not.toContain(spelling);
    const keptDoc = PrivacyExport.parse((await server.get(`/api/v1/privacy/export?device=${kept.deviceId}`)).body);
    expect(
      keptDoc.violations
        .filter((v) => v.status === "open")
        .map((v) => v.subject)
        .sort(),
    ).toEqual(["SERIAL-KEEP-2", "dave", "nmap", user.pseudonym].sort());

    // Nor is anything personal in the server's log: not the hostnames, not her name, not in a logged URL.
    const log = server.logs.join("\n");
    for (const personal of [HOST, "keep-host", USER, encodeURIComponent(USER), encodeURIComponent(USER.toLowerCase())])
      expect(log, `${personal} in the log`).not.toContain(personal);
    expect(log).toContain(erased.deviceId);
  });
});
