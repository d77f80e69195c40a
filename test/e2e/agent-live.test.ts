// The agent as a live service: a USB stick "plugged in" reaches the security team's feed within a second;
// IT's policy push is applied at once, without a restart.
import { join } from "node:path";
import { EventSource } from "eventsource";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Policy, PolicyRollout, PolicyStored, Violation, ViolationPage } from "@wegroup/shared";
import { linuxLaptopBundle, writeBundle } from "../support/bundles.js";
import { api, enrollAgent, eventually, runAgentCli, type RunningProcess, serverPerTest, type TestServer } from "../support/processes.js";

interface FeedEvent {
  at: number;
  violation: Violation;
}

/** Subscribes to the live feed with a standard EventSource client; collects every violation event. */
function subscribe(server: TestServer): { events: FeedEvent[]; ready: Promise<void>; close(): void } {
  const source = new EventSource(`${server.url}/api/v1/violations/stream?token=${encodeURIComponent(server.adminToken)}`);
  const events: FeedEvent[] = [];
  source.addEventListener("violation", (e) =>
    events.push({ at: performance.now(), violation: Violation.parse(JSON.parse(String(e.data))) }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (e) => reject(new Error(`feed error: ${String((e as { message?: string }).message)}`));
  });
  return { events, ready, close: () => source.close() };
}

describe("the agent as a live service", () => {
  const setup = serverPerTest("wg-live-");
  let agent: RunningProcess | undefined;
  let feed: ReturnType<typeof subscribe> | undefined;
  let bundle: string;
  let state: string;

  beforeEach(async () => {
    const { dir, server } = setup;
    bundle = join(dir, "laptop.json");
    state = join(dir, "agent");
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-live", usbStick: false, deniedSoftware: false }));
    await enrollAgent(server, state, bundle);
    agent = setup.runAgent(state, bundle);
    // Connected and reporting: the first full state has been acknowledged.
    await eventually(
      async () => {
        const s = JSON.parse((await runAgentCli(["status", "--state-dir", state, "--json"])).stdout) as {
          connection: string;
          queuedReports: number;
          lastReport: unknown;
        };
        return s.connection === "connected" && s.queuedReports === 0 && s.lastReport !== null ? true : undefined;
      },
      60_000,
      "the agent connected and its first report acknowledged",
    );
  }, 120_000);

  afterEach(() => {
    feed?.close();
  });

  it("shows a USB stick on the live feed within a second of it appearing", async () => {
    const { server } = setup;
    feed = subscribe(server);
    await feed.ready;
    const plugged = performance.now();
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-live", usbStick: true, deniedSoftware: false }));
    const events = feed.events;
    const opened = await eventually(
      async () => events.find((e) => e.violation.check === "usb-storage" && e.violation.status === "open"),
      10_000,
      "the usb-storage event",
    );
    const latencyMs = opened.at - plugged;
    process.stdout.write(`bundle swap → feed event: ${latencyMs.toFixed(0)} ms\n`);
    expect(opened.violation).toMatchObject({ subject: "071C395B848A2D24", hostname: "lt-live" });
    expect(latencyMs).toBeLessThan(1_000);
  }, 60_000);

  it("applies a pushed policy at once, without a restart, and the server sees it applied", async () => {
    const { server } = setup;
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-live", usbStick: true, deniedSoftware: false }));
    await eventually(
      async () => {
        const r = await api(server, server.adminToken, "/api/v1/violations?status=open&check=usb-storage", ViolationPage);
        return r.body.items.length === 1 ? true : undefined;
      },
      30_000,
      "the stick reported",
    );
    const current = await api(server, server.adminToken, "/api/v1/policy", Policy);
    const pid = agent?.child.pid;

    // IT excepts this very stick by serial: the push must resolve the violation without touching the agent.
    const policy = {
      ...current.body,
      usbStorage: {
        allowed: false,
        enforce: "report",
        exceptions: [{ serial: "071C395B848A2D24", note: "encrypted backup stick, ticket 4711" }],
      },
    };
    const put = await api(server, server.adminToken, "/api/v1/policy", PolicyStored, { method: "PUT", body: JSON.stringify(policy) });
    expect(put.status).toBe(200);
    expect(put.body.version).toBeGreaterThan(current.body.version);

    await agent?.waitForLine(new RegExp(`"to":${put.body.version}.*applied a new policy`), 15_000);
    const resolved = await eventually(
      async () => {
        const r = await api(server, server.adminToken, "/api/v1/violations?status=resolved&check=usb-storage", ViolationPage);
        return r.body.items[0];
      },
      15_000,
      "the stick's violation resolved by the new policy",
    );
    expect(resolved.subject).toBe("071C395B848A2D24");
    const rollout = await eventually(
      async () => {
        const r = await api(server, server.adminToken, "/api/v1/policy/rollout", PolicyRollout);
        return r.body.pending.length === 0 && r.body.versions.some((v) => v.version === put.body.version && v.devices === 1)
          ? r.body
          : undefined;
      },
      15_000,
      "rollout shows the device on the new version",
    );
    expect(rollout.latestVersion).toBe(put.body.version);
    expect(agent?.child.pid).toBe(pid);
    expect(agent?.child.exitCode).toBeNull();
  }, 90_000);
});
