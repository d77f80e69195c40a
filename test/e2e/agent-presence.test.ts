// Presence end to end: a real server process and real agent processes replaying a Linux laptop whose boot id is in the
// bundle (/proc/sys/kernel/random/boot_id). A stopped service is flagged within seconds; a shutdown, a sleep or an
// upgrade is not; a killed agent that comes back in the same OS boot is reported with how long it was gone; after a
// new boot, nothing is.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type BundleInput, DeviceList, type DeviceSummary, ViolationPage } from "@wegroup/shared";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixtureText, linuxLaptopBundle, writeBundle } from "../support/bundles.js";
import {
  api,
  enrollAgent,
  eventually,
  removeDir,
  runAgent,
  runAgentCli,
  type RunningProcess,
  startServer,
  tempDir,
  type TestServer,
} from "../support/processes.js";

/** This machine's boot id, as recorded (fixtures/linux/presence). */
const RECORDED_BOOT = fixtureText("linux/presence/debian-12-container-boot_id.txt");
/** CONSTRUCTED: another boot of the same laptop (a boot id is a random UUID per boot; no second recording exists). */
const NEXT_BOOT = "0b5e3c1d-7f2a-4c9e-8d41-6a0f2e7b9c35\n";

describe("agent presence", () => {
  let dir: string;
  let server: TestServer;
  const agents: RunningProcess[] = [];

  beforeAll(async () => {
    dir = await tempDir("wg-presence-");
    server = await startServer({ dataDir: join(dir, "server") });
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.stop("SIGKILL");
  });
  afterAll(async () => {
    await server.stop();
    await removeDir(dir);
  });

  /** A replayed laptop in `boot`: the recorded clean laptop plus its boot id and systemd's recorded answer (not stopping). */
  function laptop(hostname: string, boot: string): BundleInput {
    const bundle = linuxLaptopBundle({ hostname, usbStick: false, deniedSoftware: false });
    return {
      ...bundle,
      commands: [
        ...(bundle.commands ?? []),
        {
          argv: ["systemctl", "is-system-running"],
          exitCode: 1,
          stdout: fixtureText("linux/presence/debian-12-container-systemctl-is-system-running.txt"),
          stderr: "",
        },
      ],
      files: [...(bundle.files ?? []), { path: "/proc/sys/kernel/random/boot_id", content: boot }],
    };
  }

  interface Laptop {
    state: string;
    bundle: string;
    deviceId: string;
    run(options?: { control?: boolean }): Promise<RunningProcess>;
  }

  async function enrolled(hostname: string, boot = RECORDED_BOOT): Promise<Laptop> {
    const state = join(dir, hostname);
    const bundle = join(dir, `${hostname}.json`);
    await writeBundle(bundle, laptop(hostname, boot));
    await enrollAgent(server, state, bundle);
    const run = async (options: { control?: boolean } = {}): Promise<RunningProcess> => {
      const agent = runAgent(state, bundle, options.control === true ? { COMPLIANCE_AGENT_CONTROL: "stdin" } : {}, {
        stdin: options.control === true ? "pipe" : "ignore",
      });
      agents.push(agent);
      await eventually(
        async () => {
          const status = await runAgentCli(["status", "--state-dir", state, "--json"]);
          return (JSON.parse(status.stdout) as { connection?: string; queuedReports?: number }).connection === "connected"
            ? true
            : undefined;
        },
        30_000,
        `${hostname} connected`,
      );
      return agent;
    };
    const device = await eventually(
      async () => (await api(server, server.adminToken, "/api/v1/devices", DeviceList)).body.items.find((d) => d.hostname === hostname),
      10_000,
      `${hostname} listed`,
    );
    return { state, bundle, deviceId: device.id, run };
  }

  const silent = async (deviceId: string) =>
    (await api(server, server.adminToken, `/api/v1/violations?status=all&check=agent-silent&device=${deviceId}`, ViolationPage)).body.items;
  const device = async (deviceId: string): Promise<DeviceSummary | undefined> =>
    (await api(server, server.adminToken, "/api/v1/devices", DeviceList)).body.items.find((d) => d.id === deviceId);
  /** The sweep runs every second and a stop goodbye waits 2 s: after this long, anything that would open has opened. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 5_000));

  it("opens agent-silent within 5 s when the service is stopped (SIGTERM) while the OS runs, and the device is offline with that reason", async () => {
    const l = await enrolled("lt-stopped");
    const agent = await l.run();
    await agent.stop("SIGTERM");
    const [violation] = await eventually(
      async () => {
        const rows = await silent(l.deviceId);
        return rows.length > 0 ? rows : undefined;
      },
      5_000,
      "agent-silent within 5 s of the stop",
    );
    expect(violation).toMatchObject({ status: "open", subject: "agent", message: "agent stopped on the device", hostname: "lt-stopped" });
    expect(violation?.observed).toMatch(/^last frame: goodbye \(service-stop\) at /);
    expect(await device(l.deviceId)).toMatchObject({ status: "offline", lastGoodbye: { reason: "service-stop" } });

    // Started again (same boot): it is back, the violation resolves, and the stop it reported is not counted twice.
    await l.run();
    await eventually(
      async () => ((await silent(l.deviceId))[0]?.status === "resolved" ? true : undefined),
      10_000,
      "the violation resolved",
    );
    expect((await silent(l.deviceId)).map((v) => v.message)).toEqual(["agent stopped on the device"]);
  }, 90_000);

  it("opens nothing for a shutdown or a sleep said by the service host on stdin, and shows the device offline with the reason", async () => {
    const l = await enrolled("lt-host");
    const agent = await l.run({ control: true });
    agent.writeLine("sleep");
    await eventually(
      async () => ((await device(l.deviceId))?.lastGoodbye?.reason === "system-sleep" ? true : undefined),
      10_000,
      "the sleep goodbye",
    );
    expect(await device(l.deviceId)).toMatchObject({ status: "offline" });
    agent.writeLine("resume");
    await eventually(async () => ((await device(l.deviceId))?.lastGoodbye === undefined ? true : undefined), 15_000, "back after resume");
    agent.writeLine("stop system-shutdown");
    // The agent exits by itself; SIGCONT changes nothing for a running process, so this only waits for that exit.
    expect(await agent.stop("SIGCONT")).toBe(0);
    await settle();
    expect(await device(l.deviceId)).toMatchObject({ status: "offline", lastGoodbye: { reason: "system-shutdown" } });
    expect(await silent(l.deviceId)).toEqual([]);
  }, 90_000);

  it("takes the package scripts' reason file over the signal: upgrade opens nothing, uninstall opens agent-silent", async () => {
    const upgraded = await enrolled("lt-upgrade");
    const removed = await enrolled("lt-uninstall");
    const [a, b] = [await upgraded.run(), await removed.run()];
    await writeFile(join(upgraded.state, "goodbye-reason"), "upgrade\n");
    await writeFile(join(removed.state, "goodbye-reason"), "uninstall\n");
    await Promise.all([a.stop("SIGTERM"), b.stop("SIGTERM")]);
    await eventually(async () => ((await silent(removed.deviceId)).length > 0 ? true : undefined), 5_000, "agent-silent for the uninstall");
    await settle();
    expect(await silent(upgraded.deviceId)).toEqual([]);
    expect(await device(upgraded.deviceId)).toMatchObject({ lastGoodbye: { reason: "upgrade" } });
    expect((await silent(removed.deviceId))[0]?.observed).toMatch(/goodbye \(uninstall\)/);
  }, 90_000);

  it("reports a killed agent that comes back in the same OS boot with how long it was not running, and nothing after a new boot", async () => {
    const same = await enrolled("lt-killed");
    const rebooted = await enrolled("lt-rebooted");
    const [a, b] = [await same.run(), await rebooted.run()];
    await Promise.all([a.stop("SIGKILL"), b.stop("SIGKILL")]);
    // Killed: no goodbye, so nothing can be told yet (a laptop whose battery died looks the same).
    await settle();
    expect(await silent(same.deviceId)).toEqual([]);
    // One comes back in the same boot; the other's OS restarted in between.
    await writeBundle(rebooted.bundle, laptop("lt-rebooted", NEXT_BOOT));
    await Promise.all([same.run(), rebooted.run()]);
    const [gap] = await eventually(
      async () => {
        const rows = await silent(same.deviceId);
        return rows.length > 0 ? rows : undefined;
      },
      10_000,
      "the gap reported",
    );
    expect(gap?.message).toMatch(/^agent was not running for \d+ min while the OS was up$/);
    expect(gap?.observed).toContain(`in the same OS boot (${RECORDED_BOOT.trim()}), with no goodbye`);
    // It is back, so the record is resolved at once: the feed and the history keep it.
    expect(gap).toMatchObject({ status: "resolved", subject: "agent" });
    await settle();
    expect(await silent(rebooted.deviceId)).toEqual([]);
    expect(await silent(same.deviceId)).toHaveLength(1);
  }, 120_000);
});
