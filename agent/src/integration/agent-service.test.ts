// The service against a scripted server (a real WebSocket, frames recorded): the full state waits for the server's policy and is judged under it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AgentFrame, AgentFrame as AgentFrameSchema, fail, pass, Policy, type ReportFrame, type ServerFrame } from "@wegroup/shared";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { onEveryOs as everyOs, type CheckDefinition } from "../checks/types.js";
import { statePaths } from "../config.js";
import { ReplayRunner } from "../runner/replay.js";
import { AgentService } from "../service/agent-service.js";
import { timerScheduler } from "../service/channel.js";
import { Connection } from "../service/connection.js";
import { saveCachedPolicy } from "../service/policy-cache.js";
import { newDeviceKey } from "../state/device-key.js";
import { agentChannelUrl } from "../state/enrollment.js";

/** A policy of this version; `usbAllowed` is what the checks below judge by. */
const policy = (version: number, usbAllowed: boolean): Policy =>
  Policy.parse({ version, screenLock: {}, usbStorage: { allowed: usbAllowed }, software: { mode: "denylist" } });

/** Two checks whose collectors read nothing: a USB stick that the policy may allow, and a screen lock that always passes. */
const collectors = { sources: [], collect: () => Promise.resolve({}) };
const onEveryOs = everyOs(collectors);
const CHECKS: CheckDefinition<object>[] = [
  {
    id: "usb-storage",
    collectors: onEveryOs,
    evaluate: (_facts, p) =>
      p.usbStorage.allowed
        ? pass("usb-storage")
        : fail("usb-storage", [{ subject: "STICK-1", message: "a USB stick is attached", observed: "attached", expected: "none" }]),
  },
  { id: "screen-lock", collectors: onEveryOs, evaluate: () => pass("screen-lock") },
];

/** What the scripted server heard, and how it answers a hello. */
class ScriptedServer {
  readonly frames: AgentFrame[] = [];
  readonly #waiters: (() => void)[] = [];
  socket: WebSocket | undefined;

  private constructor(
    readonly wss: WebSocketServer,
    onHello: (server: ScriptedServer, hello: Extract<AgentFrame, { type: "hello" }>) => void,
  ) {
    wss.on("connection", (ws) => {
      this.socket = ws;
      ws.on("message", (data: Buffer) => {
        const frame = AgentFrameSchema.parse(JSON.parse(data.toString("utf8")));
        this.frames.push(frame);
        if (frame.type === "hello") onHello(this, frame);
        if (frame.type === "report") this.send({ type: "ack", id: frame.id });
        for (const wake of this.#waiters.splice(0)) wake();
      });
    });
  }

  static async start(onHello: (server: ScriptedServer, hello: Extract<AgentFrame, { type: "hello" }>) => void): Promise<ScriptedServer> {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    return new ScriptedServer(wss, onHello);
  }

  get url(): string {
    const address = this.wss.address();
    return `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  }

  send(frame: ServerFrame): void {
    this.socket?.send(JSON.stringify(frame));
  }

  reports(): ReportFrame[] {
    return this.frames.filter((f): f is ReportFrame => f.type === "report");
  }

  /** Waits, at most `ms`, until `check` holds over the frames heard so far. */
  async until(check: (frames: AgentFrame[]) => boolean, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check(this.frames)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; heard ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

const welcome = (policyVersion: number): ServerFrame => ({
  type: "welcome",
  deviceId: "device-0001",
  serverTime: new Date().toISOString(),
  heartbeatSeconds: 60,
  policyVersion,
});

describe("AgentService and the server's policy", () => {
  let dir: string;
  let server: ScriptedServer | undefined;
  let service: AgentService | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "agent-service-"));
  });
  afterEach(async () => {
    await service?.stop();
    await server?.close();
    service = undefined;
    server = undefined;
    // The service may still be renaming its status file into place: retry the removal briefly.
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  });

  async function startAgent(cached: Policy): Promise<AgentService> {
    const paths = statePaths(dir);
    await saveCachedPolicy(paths.policy, cached);
    const logger = pino({ level: "silent" });
    const created = new AgentService({
      paths,
      enrollment: {
        serverUrl: server?.url ?? "",
        deviceId: "device-0001",
        credential: "credential-0123456789",
        enrolledAt: new Date().toISOString(),
      },
      runner: new ReplayRunner({
        format: "compliance-bundle/1",
        platform: "linux",
        hostname: "lt-test",
        collectedAt: new Date().toISOString(),
        commands: [],
        files: [],
      }),
      device: { hostname: "lt-test", platform: "linux", agentVersion: "0.0.0-test" },
      checks: CHECKS,
      logger,
      clock: () => new Date(),
      random: () => 0.5,
      mode: "replay",
      deviceKey: newDeviceKey().key,
      openChannel: (hello) =>
        new Connection({
          url: agentChannelUrl(server?.url ?? ""),
          hello,
          logger,
          backoff: { baseMs: 1_000, capMs: 60_000 },
          random: () => 0.5,
        }),
      scheduler: timerScheduler,
      bootId: "boot-test",
      previousRun: undefined,
      saveRun: async () => {},
    });
    service = created;
    await created.start();
    return created;
  }

  it("holds the full state after a welcome naming another policy, and sends it judged under that policy once applied", async () => {
    const serverPolicy = policy(1, true);
    server = await ScriptedServer.start((s) => {
      s.send(welcome(1));
      s.send({ type: "policy", policy: serverPolicy });
    });
    await startAgent(policy(0, false));
    await server.until(
      (frames) => frames.some((f) => f.type === "report" && f.policyVersion === 1),
      10_000,
      "a report judged under version 1",
    );

    expect(server.frames[0]).toMatchObject({ type: "hello", policyVersion: 0 });
    const reports = server.reports();
    // The one queued at start (judged by the built-in policy) is still delivered, once; nothing else judged by version 0 goes out.
    expect(reports.filter((r) => r.policyVersion === 0)).toHaveLength(1);
    const rejudged = reports.find((r) => r.policyVersion === 1);
    expect(rejudged?.results.map((r) => [r.check, r.status]).sort()).toEqual([
      ["screen-lock", "pass"],
      ["usb-storage", "pass"],
    ]);
    const order = server.frames.map((f) => (f.type === "report" ? `report v${f.policyVersion}` : f.type));
    expect(order.indexOf("policy-applied")).toBeLessThan(order.indexOf("report v1"));
    expect(service?.currentPolicy.version).toBe(1);
  });

  it("sends the full state at once when the welcome names its own policy, and after a push reports every check again, changed or not", async () => {
    server = await ScriptedServer.start((s) => s.send(welcome(1)));
    await startAgent(policy(1, false));
    await server.until((frames) => frames.filter((f) => f.type === "report").length >= 1, 10_000, "the first report");
    expect(server.reports().map((r) => r.policyVersion)).toEqual([1]);

    server.send({ type: "policy", policy: policy(2, false) });
    await server.until(
      (frames) => frames.some((f) => f.type === "report" && f.policyVersion === 2),
      10_000,
      "a report judged under version 2",
    );
    // Nothing changed for either check, yet both are reported: the server disregards what an older policy judged in flight.
    expect(
      server
        .reports()
        .find((r) => r.policyVersion === 2)
        ?.results.map((r) => r.check)
        .sort(),
    ).toEqual(["screen-lock", "usb-storage"]);
  });

  it("sends the held full state under its own policy when the server's policy is refused", async () => {
    server = await ScriptedServer.start((s) => s.send(welcome(3)));
    await startAgent(policy(0, false));
    // The report queued at start is delivered and acknowledged first; then the server's policy turns out unusable.
    await server.until((frames) => frames.some((f) => f.type === "report"), 10_000, "the queued report");
    server.socket?.send(JSON.stringify({ type: "policy", policy: { version: 3, screenLock: { maxIdleSeconds: "often" } } }));
    await server.until((frames) => frames.some((f) => f.type === "error"), 10_000, "the refusal");
    await server.until((frames) => frames.filter((f) => f.type === "report").length >= 2, 10_000, "the full state after the refusal");
    expect(server.frames.find((f) => f.type === "error")).toMatchObject({ code: "invalid_policy" });
    expect(server.reports().map((r) => [r.policyVersion, r.results.map((x) => x.check).sort()])).toEqual([
      [0, ["screen-lock", "usb-storage"]],
      [0, ["screen-lock", "usb-storage"]],
    ]);
    expect(service?.currentPolicy.version).toBe(0);
  });
});
