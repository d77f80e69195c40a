// End to end: this machine's device facts (systeminformation) recorded by `collect`, replayed by `run --replay`,
// sent in the hello and shown on the device API — the same facts as the recording holds.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DeviceDetail, DeviceList } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { api, enrollAgent, eventually, runAgentCli, serverPerTest } from "../support/processes.js";

describe("device facts", () => {
  const setup = serverPerTest("wg-e2e-facts-");

  it("records systeminformation's answers in the bundle, replays them in the hello, and the device API shows them", async () => {
    const { dir, server } = setup;
    const bundlePath = join(dir, "this-machine.json");
    const collected = await runAgentCli(["collect", "--out", bundlePath]);
    expect(collected.code, collected.stderr).toBe(0);
    const bundle = JSON.parse(await readFile(bundlePath, "utf8")) as { commands: { argv: string[]; stdout: string }[] };
    const answer = (call: string) =>
      JSON.parse(bundle.commands.find((c) => c.argv.join(" ") === `systeminformation ${call}`)!.stdout) as Record<string, unknown>;
    const system = answer("system");
    const osInfo = answer("osInfo");

    const state = join(dir, "agent");
    await enrollAgent(server, state, bundlePath);
    setup.runAgent(state, bundlePath);

    const device = await eventually(
      async () => {
        const list = await api(server, server.adminToken, "/api/v1/devices", DeviceList);
        const first = list.body.items[0];
        return first?.facts.osRelease !== undefined ? first : undefined;
      },
      30_000,
      "the device's facts from its hello",
    );
    expect(device.facts.osDistribution).toBe(osInfo.distro);
    expect(device.facts.osRelease).toBe(osInfo.release);
    // Each hardware fact as systeminformation said it, or absent where it said nothing (a container's "" and "-").
    for (const key of ["manufacturer", "model", "serial"] as const) {
      const value = system[key];
      const raw = typeof value === "string" ? value.trim() : "";
      if (raw === "" || raw === "-") expect(device.facts[key], key).toBeUndefined();
      else expect(device.facts[key], key).toBe(raw);
    }
    const detail = await api(server, server.adminToken, `/api/v1/devices/${device.id}`, DeviceDetail);
    expect(detail.body.facts).toEqual(device.facts);
  }, 120_000);
});
