// The service's wiring, stage by stage, over an in-memory channel and timers that move only when told: what it sends
// after a welcome, an ack, a push, an enforcement, a heartbeat period and a stop. (The decisions themselves: decisions.test.ts.)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EnforcementAction, fail, pass, Policy, type ServerFrame } from "@wegroup/shared";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { onEveryOs as everyOs, type CheckDefinition } from "../checks/types.js";
import { statePaths } from "../config.js";
import { newDeviceKey } from "../state/device-key.js";
import { fakeRunner } from "../testing/fake-runner.js";
import { ManualScheduler, ScriptedChannel } from "../testing/scripted-channel.js";
import { AgentService } from "./agent-service.js";
import { saveCachedPolicy } from "./policy-cache.js";
import type { RunRecord } from "./presence.js";

const policy = (version: number, over: { usb?: boolean; eject?: boolean; heartbeatSeconds?: number } = {}): Policy =>
  Policy.parse({
    version,
    screenLock: {},
    usbStorage: { allowed: over.usb ?? false, enforce: over.eject === true ? "eject" : "report" },
    software: { mode: "denylist" },
    heartbeatSeconds: over.heartbeatSeconds ?? 60,
  });

const welcome = (policyVersion: number): ServerFrame => ({
  type: "welcome",
  deviceId: "device-0001",
  serverTime: new Date(0).toISOString(),
  heartbeatSeconds: 60,
  policyVersion,
});

/** A stick is attached while `attached` says so; ejecting it (when the policy says eject) detaches it. */
function checks(stick: { attached: boolean; ejections: number }): CheckDefinition<object>[] {
  const collectors = { sources: [], collect: () => Promise.resolve({}) };
  const onEveryOs = everyOs(collectors);
  return [
    {
      id: "usb-storage",
      collectors: onEveryOs,
      evaluate: (_f, p) =>
        p.usbStorage.allowed || !stick.attached
          ? pass("usb-storage")
          : fail("usb-storage", [{ subject: "STICK-1", message: "a USB stick is attached", observed: "attached", expected: "none" }]),
      enforce: {
        check: "usb-storage",
        action: "eject",
        act: async (_f, p, _runner, shouldAct): Promise<EnforcementAction[]> => {
          if (p.usbStorage.enforce !== "eject" || !shouldAct("STICK-1")) return [];
          stick.ejections++;
          stick.attached = false;
          return [{ check: "usb-storage", subject: "STICK-1", action: "eject", ok: true, detail: "ejected" }];
        },
      },
    },
    { id: "screen-lock", collectors: onEveryOs, evaluate: () => pass("screen-lock") },
  ];
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe("AgentService over a scripted channel", () => {
  let dir: string;
  let service: AgentService | undefined;
  let channel: ScriptedChannel | undefined;
  let scheduler: ManualScheduler;
  let stick: { attached: boolean; ejections: number };
  /** Every run record the service wrote, and whether durably. */
  let runs: [RunRecord, boolean][];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "agent-service-unit-"));
    scheduler = new ManualScheduler();
    stick = { attached: true, ejections: 0 };
    runs = [];
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
  });

  async function start(cached: Policy, presence: { bootId?: string; previousRun?: RunRecord } = {}): Promise<ScriptedChannel> {
    const paths = statePaths(dir);
    await saveCachedPolicy(paths.policy, cached);
    service = new AgentService({
      paths,
      enrollment: {
        serverUrl: "https://compliance.example",
        deviceId: "device-0001",
        credential: "credential-0123456789",
        enrolledAt: new Date(0).toISOString(),
      },
      deviceKey: newDeviceKey().key,
      runner: fakeRunner("linux", []),
      device: { hostname: "lt-test", platform: "linux", agentVersion: "0.0.0-test" },
      checks: checks(stick),
      logger: pino({ level: "silent" }),
      clock: () => new Date(scheduler.now),
      random: () => 0.5,
      mode: "replay",
      openChannel: (hello) => (channel = new ScriptedChannel(hello)),
      scheduler,
      bootId: presence.bootId,
      previousRun: presence.previousRun,
      saveRun: async (record, durable) => void runs.push([record, durable]),
    });
    await service.start();
    if (channel === undefined) throw new Error("the service opened no channel");
    return channel;
  }

  it("stage start: checks run before the channel opens; the hello names the cached policy; nothing but the hello goes out before the welcome", async () => {
    const ch = await start(policy(4));
    expect(ch.sent.map((f) => f.type)).toEqual(["hello"]);
    expect(ch.sent[0]).toMatchObject({ type: "hello", deviceId: "device-0001", policyVersion: 4, publicKey: expect.any(String) });
    expect(service?.snapshot().queuedReports).toBe(1);
  });

  it("stage welcome + ack: the queued report goes out, is forgotten once acknowledged, and heartbeats start at the policy's period", async () => {
    const ch = await start(policy(4, { heartbeatSeconds: 30 }));
    ch.play(welcome(4));
    await until(() => ch.sentOf("report").length === 1, "the queued report");
    const report = ch.sentOf("report")[0];
    expect(report?.results.map((r) => [r.check, r.status])).toEqual([
      ["usb-storage", "fail"],
      ["screen-lock", "pass"],
    ]);
    ch.play({ type: "ack", id: report?.id ?? "" });
    await until(() => service?.snapshot().queuedReports === 0, "the acknowledged report to leave the outbox");
    // The run record's alive tick, and the channel's heartbeat.
    expect(scheduler.pending()).toEqual([
      { every: 30_000, inMs: 30_000 },
      { every: 30_000, inMs: 30_000 },
    ]);
    scheduler.advance(90_000);
    expect(ch.sentOf("heartbeat")).toEqual([1, 2, 3].map(() => ({ type: "heartbeat", policyVersion: 4 })));
  });

  it("stage push: a new policy is answered, cached, moves the heartbeat to its period and re-reports every check under it", async () => {
    const ch = await start(policy(4));
    ch.play(welcome(4));
    await until(() => ch.sentOf("report").length === 1, "the first report");
    ch.play({ type: "policy", policy: policy(5, { usb: true, heartbeatSeconds: 120 }) });
    await until(() => ch.sentOf("report").some((r) => r.policyVersion === 5), "the report under version 5");
    expect(ch.sentOf("policy-applied")).toEqual([{ type: "policy-applied", version: 5 }]);
    expect(
      ch
        .sentOf("report")
        .find((r) => r.policyVersion === 5)
        ?.results.map((r) => [r.check, r.status]),
    ).toEqual([
      ["usb-storage", "pass"],
      ["screen-lock", "pass"],
    ]);
    expect(scheduler.pending()).toEqual([
      { every: 120_000, inMs: 120_000 },
      { every: 120_000, inMs: 120_000 },
    ]);
  });

  it("stage enforcement: the acting check is looked at again after the pause, and what it found is reported", async () => {
    const ch = await start(policy(4, { eject: true }));
    ch.play(welcome(4));
    await until(() => ch.sentOf("report").length === 1, "the first report");
    const first = ch.sentOf("report")[0];
    expect(first?.enforcement).toEqual([{ check: "usb-storage", subject: "STICK-1", action: "eject", ok: true, detail: "ejected" }]);
    expect(scheduler.pending()).toContainEqual({ inMs: 2_000 });
    scheduler.advance(2_000);
    await until(() => ch.sentOf("report").length === 2, "the confirming report");
    expect(ch.sentOf("report")[1]?.results).toEqual([pass("usb-storage")]);
    expect(stick.ejections).toBe(1);
  });

  it("stage stop: the goodbye is the last frame, and heartbeats stop", async () => {
    const ch = await start(policy(4));
    ch.play(welcome(4));
    await until(() => ch.sentOf("report").length === 1, "the first report");
    await service?.stop();
    service = undefined;
    expect(ch.last).toEqual({ type: "goodbye", reason: "service-stop" });
    expect(ch.sent.at(-1)?.type).toBe("goodbye");
    expect(scheduler.pending()).toEqual([]);
  });

  it("stage presence: every hello says the boot, this run's start and how the previous run ended; the record is written at start and kept alive", async () => {
    const previousRun: RunRecord = {
      bootId: "boot-a",
      startedAt: "2026-03-01T08:00:00.000Z",
      lastAliveAt: "2026-03-01T09:00:00.000Z",
      endedWith: null,
    };
    scheduler.now = Date.parse("2026-03-01T10:00:00.000Z");
    const ch = await start(policy(4), { bootId: "boot-a", previousRun });
    expect(ch.sent[0]).toMatchObject({ bootId: "boot-a", runStartedAt: "2026-03-01T10:00:00.000Z", previousRun });
    expect(runs).toEqual([
      [{ bootId: "boot-a", startedAt: "2026-03-01T10:00:00.000Z", lastAliveAt: "2026-03-01T10:00:00.000Z", endedWith: null }, true],
    ]);
    scheduler.advance(120_000);
    await until(() => runs.length === 3, "two alive ticks");
    expect(runs.slice(1).map(([r, durable]) => [r.lastAliveAt, r.endedWith, durable])).toEqual([
      ["2026-03-01T10:01:00.000Z", null, false],
      ["2026-03-01T10:02:00.000Z", null, false],
    ]);
    ch.drop();
    ch.open();
    // A reconnection of the same run says the same.
    expect(ch.sentOf("hello")[1]).toMatchObject({ runStartedAt: "2026-03-01T10:00:00.000Z", previousRun });
  });

  it("stage stop with a reason: the goodbye says it, the record keeps it durably, nothing ticks after", async () => {
    const ch = await start(policy(4), { bootId: "boot-a" });
    ch.play(welcome(4));
    await until(() => ch.sentOf("report").length === 1, "the first report");
    await service?.stop("system-shutdown");
    service = undefined;
    expect(ch.last).toEqual({ type: "goodbye", reason: "system-shutdown" });
    expect(runs.at(-1)).toEqual([expect.objectContaining({ endedWith: "system-shutdown" }), true]);
    expect(scheduler.pending()).toEqual([]);
  });

  it("stage sleep and resume: a system-sleep goodbye closes the channel and is recorded; waking reopens it in the same run", async () => {
    const ch = await start(policy(4), { bootId: "boot-a" });
    ch.play(welcome(4));
    await until(() => ch.sentOf("report").length === 1, "the first report");
    await service?.suspend();
    expect(ch.last).toEqual({ type: "goodbye", reason: "system-sleep" });
    expect(ch.state).toBe("stopped");
    expect(runs.at(-1)).toEqual([expect.objectContaining({ endedWith: "system-sleep" }), true]);
    // Asleep: the alive tick leaves the record as it is (a laptop that never wakes ended cleanly).
    const written = runs.length;
    scheduler.advance(180_000);
    expect(runs).toHaveLength(written);
    service?.resume();
    expect(ch.state).toBe("connecting");
    expect(ch.sentOf("hello")).toHaveLength(2);
    expect(ch.sentOf("hello")[1]?.runStartedAt).toBe(ch.sentOf("hello")[0]?.runStartedAt);
    await until(() => runs.length === written + 1, "the record of the wake");
    expect(runs.at(-1)?.[0].endedWith).toBeNull();
  });
});
