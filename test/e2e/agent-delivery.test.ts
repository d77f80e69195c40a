// The real agent against a scripted server: refused reports retried while connected, welcome floods, policy bursts, a server that welcomes and drops.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DEFAULT_POLICY, type Policy } from "@wegroup/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { linuxLaptopBundle, writeBundle } from "../support/bundles.js";
import {
  AGENT_BIN,
  enrollAgent,
  eventually,
  removeDir,
  runAgentCli,
  type RunningProcess,
  startProcess,
  tempDir,
} from "../support/processes.js";
import { type Script, ScriptedServer, welcome } from "../support/scripted-server.js";

const policy = (version: number, over: Partial<Policy> = {}): Policy => ({ ...DEFAULT_POLICY, version, ...over });

describe("agent delivery against a scripted server", () => {
  let dir: string;
  let server: ScriptedServer | undefined;
  let agent: RunningProcess | undefined;

  beforeEach(async () => {
    dir = await tempDir("wg-delivery-");
  });
  afterEach(async () => {
    await agent?.stop();
    await server?.stop();
    agent = undefined;
    server = undefined;
    await removeDir(dir);
  });

  /** Enrolls against the scripted server and starts `compliance-agent run` on a laptop with a USB stick. */
  async function runAgent(script: Script): Promise<{ state: string; agent: RunningProcess; server: ScriptedServer }> {
    server = await ScriptedServer.start(script);
    const bundle = join(dir, "laptop.json");
    const state = join(dir, "agent");
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-delivery", usbStick: true, deniedSoftware: false }));
    await enrollAgent({ url: server.url, enrollSecret: "any" }, state, bundle);
    agent = startProcess([AGENT_BIN, "run", "--state-dir", state, "--replay", bundle]);
    return { state, agent, server };
  }

  it("sends a report refused as unavailable again on the same connection, backing off, until it is acknowledged", async () => {
    const answered = new Map<string, number>();
    const { state, server } = await runAgent((conn, frame) => {
      if (frame.type === "hello") conn.send(welcome());
      if (frame.type !== "report") return;
      const n = (answered.get(frame.id) ?? 0) + 1;
      answered.set(frame.id, n);
      // A database blip: the first two deliveries are not stored.
      conn.send(
        n <= 2
          ? { type: "error", code: "unavailable", message: "the database cannot store data right now", ref: frame.id }
          : { type: "ack", id: frame.id },
      );
    });
    await server.until(() => [...answered.values()].some((n) => n >= 3), 20_000, "a report delivered a third time");
    expect(server.connections).toHaveLength(1);
    const deliveries = server.connections[0]?.frames.filter((f) => f.type === "report") ?? [];
    const retried = deliveries.filter((f) => f.id === deliveries[0]?.id);
    expect(retried).toHaveLength(3);
    await eventually(
      async () => ((await readdir(join(state, "outbox"))).filter((n) => n.endsWith(".json")).length === 0 ? true : undefined),
      10_000,
      "the outbox to empty after the ack",
    );
  }, 60_000);

  it("sends each queued report once however many welcomes arrive on one connection", async () => {
    const { server } = await runAgent((conn, frame) => {
      if (frame.type !== "hello") return;
      for (let i = 0; i < 300; i++) conn.send(welcome());
      // Then a policy under which the stick is allowed: the report that follows it closes the observation.
      conn.send({ type: "policy", policy: policy(2, { usbStorage: { allowed: true, enforce: "report", exceptions: [] } }) });
    });
    await server.until(() => server.received("report").some((r) => r.policyVersion === 2), 30_000, "the report under policy 2");
    const before = server.received("report").filter((r) => r.policyVersion !== 2);
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThanOrEqual(2);
    expect(new Set(before.map((r) => r.id)).size).toBe(before.length);
    expect(server.connections).toHaveLength(1);
  }, 60_000);

  it("applies four quick policy pushes one at a time and ends on the newest", async () => {
    const { state, server, agent } = await runAgent((conn, frame) => {
      if (frame.type !== "hello") return;
      conn.send(welcome(5));
      for (const version of [2, 3, 4, 5]) conn.send({ type: "policy", policy: policy(version, { heartbeatSeconds: 10 * version }) });
    });
    await server.until(() => server.received("policy-applied").some((f) => f.version === 5), 20_000, "policy 5 applied");
    const applied = server.received("policy-applied").map((f) => f.version);
    expect(applied).toEqual([...applied].sort((a, b) => a - b));
    expect(applied.at(-1)).toBe(5);
    expect(JSON.parse(await readFile(join(state, "policy.json"), "utf8"))).toMatchObject({ version: 5, heartbeatSeconds: 50 });
    expect(agent.output()).not.toMatch(/handling a server frame failed|applying a pushed policy failed/);
  }, 60_000);

  it("keeps backing off from a server that welcomes and drops at once, instead of starting over at every welcome", async () => {
    const { server } = await runAgent((conn, frame) => {
      if (frame.type !== "hello") return;
      conn.send(welcome());
      conn.close();
    });
    await server.until(() => server.connections.length >= 4, 30_000, "four connections");
    const gaps = server.connections.slice(1, 4).map((c, i) => c.openedAt - (server.connections[i]?.closedAt ?? c.openedAt));
    // Jittered steps of 1, 2 and 4 s ceilings: the third wait is at least 2 s (it was at most 1 s while every welcome reset it).
    expect(gaps[0]).toBeLessThan(1_500);
    expect(gaps[2]).toBeGreaterThanOrEqual(1_900);
  }, 60_000);
});

describe("damaged state files, as the CLI tells them", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir("wg-damaged-");
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it("names a truncated enrollment.json and says to enroll again (exit 2), instead of an unexpected error", async () => {
    await writeFile(join(dir, "enrollment.json"), '{"serverUrl":"https://compliance.example","devic');
    const run = await runAgentCli(["run", "--state-dir", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(join(dir, "enrollment.json"));
    expect(run.stderr).toMatch(
      /is damaged \(not JSON: .*\)\. Enroll this device again: compliance-agent enroll --server URL --secret SECRET/,
    );
    expect(run.stderr).not.toMatch(/unexpected error/);
  });

  it("names a damaged status.json in `status` and says what to do", async () => {
    await writeFile(join(dir, "status.json"), '{"pid":');
    const status = await runAgentCli(["status", "--state-dir", dir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`warning: ${join(dir, "status.json")} is damaged`);
    expect(status.stdout).toMatch(/stop the service, delete the file and start the service again/);
  });
});
