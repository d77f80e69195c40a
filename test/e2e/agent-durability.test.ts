// Nothing acknowledged is lost: the server killed mid-stream, a corrupt outbox — real processes, real SQLite.
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ViolationPage } from "@wegroup/shared";
import { linuxLaptopBundle, writeBundle } from "../support/bundles.js";
import {
  api,
  enrollAgent,
  eventually,
  removeDir,
  runAgent,
  type RunningProcess,
  startServer,
  tempDir,
  type TestServer,
} from "../support/processes.js";

/** Report ids the agent queued, from its JSON log lines. */
function queuedReportIds(agent: RunningProcess): string[] {
  return agent
    .output()
    .split("\n")
    .filter((l) => l.includes('"report queued"'))
    .map((l) => (JSON.parse(l) as { report: string }).report);
}

function storedReportIds(dataDir: string): string[] {
  const db = new Database(join(dataDir, "compliance.db"), { readonly: true });
  try {
    return (db.prepare("select id from reports").all() as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

describe("agent durability", () => {
  let dir: string;
  let server: TestServer | undefined;
  let agent: RunningProcess | undefined;

  beforeEach(async () => {
    dir = await tempDir("wg-durable-");
  });
  afterEach(async () => {
    await agent?.stop();
    await server?.stop();
    agent = undefined;
    server = undefined;
    await removeDir(dir);
  });

  it("stores every report exactly once when the server is SIGKILLed while the agent keeps reporting", async () => {
    const dataDir = join(dir, "server");
    server = await startServer({ dataDir });
    const listen = new URL(server.url).host;
    const bundle = join(dir, "laptop.json");
    const state = join(dir, "agent");
    const dirty = linuxLaptopBundle({ hostname: "lt-7", usbStick: true, deniedSoftware: true });
    const clean = linuxLaptopBundle({ hostname: "lt-7", usbStick: false, deniedSoftware: false });
    await writeBundle(bundle, dirty);
    await enrollAgent(server, state, bundle);
    agent = runAgent(state, bundle);
    const running = agent;
    await eventually(
      async () => ((await api(server!, server!.adminToken, "/api/v1/violations", ViolationPage)).body.items.length > 0 ? true : undefined),
      30_000,
      "first violations",
    );

    await server.stop("SIGKILL");
    // While the server is down the laptop changes four times: each change is a report queued on disk.
    for (const [i, next] of [clean, dirty, clean, dirty].entries()) {
      const before = queuedReportIds(running).length;
      await writeBundle(bundle, next);
      await eventually(async () => (queuedReportIds(running).length > before ? true : undefined), 15_000, `report ${i + 1} queued offline`);
    }
    expect((await readdir(join(state, "outbox"))).filter((n) => n.endsWith(".json")).length).toBeGreaterThanOrEqual(4);

    server = await startServer({ dataDir, listen });
    await eventually(
      async () => ((await readdir(join(state, "outbox"))).filter((n) => n.endsWith(".json")).length === 0 ? true : undefined),
      60_000,
      "outbox drained after the restart",
    );

    const produced = queuedReportIds(running);
    const stored = storedReportIds(dataDir);
    expect(new Set(stored).size).toBe(stored.length);
    expect([...stored].sort()).toEqual([...new Set(produced)].sort());
    const open = await api(server, server.adminToken, "/api/v1/violations?status=open", ViolationPage);
    expect(open.body.items.map((v) => v.subject).sort()).toEqual(["071C395B848A2D24", "nmap", "tcpdump"]);
  }, 180_000);

  it("moves a corrupt outbox record aside, skips a torn one, and goes on reporting", async () => {
    server = await startServer({ dataDir: join(dir, "server") });
    const bundle = join(dir, "laptop.json");
    const state = join(dir, "agent");
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-8", usbStick: true, deniedSoftware: false }));
    await enrollAgent(server, state, bundle);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(state, "outbox"), { recursive: true });
    await writeFile(join(state, "outbox", "01a00000-0000-7000-8000-000000000001.json"), '{"type":"report","id":"01a0');
    await writeFile(join(state, "outbox", "01a00000-0000-7000-8000-000000000002.json.77.1.tmp"), "{");
    await writeFile(join(state, "policy.json"), "{ not json");

    agent = runAgent(state, bundle);
    await agent.waitForLine(/the queued report \S+01a00000-0000-7000-8000-000000000001\.json is damaged/);
    await agent.waitForLine(/the cached policy \S+policy\.json is damaged/);
    const open = await eventually(
      async () => {
        const r = await api(server!, server!.adminToken, "/api/v1/violations?status=open", ViolationPage);
        return r.body.items.length > 0 ? r.body.items : undefined;
      },
      30_000,
      "the stick reported",
    );
    expect(open.map((v) => v.subject)).toEqual(["071C395B848A2D24"]);
    expect(await readdir(join(state, "outbox.corrupt"))).toEqual(["01a00000-0000-7000-8000-000000000001.json"]);
  }, 120_000);
});
