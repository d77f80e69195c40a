// Silent enrollment with real processes: `run` on a device without a credential enrolls itself from the
// installer's enroll.json (contract of the installers), then keeps only the server URL in that file.
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeviceList } from "@wegroup/shared";
import { linuxLaptopBundle, writeBundle } from "../support/bundles.js";
import { api, eventually, runAgentCli, serverPerTest } from "../support/processes.js";

describe("silent enrollment from the installer's configuration", () => {
  const setup = serverPerTest("wg-silent-");

  it("enrolls at the first start, removes the secret from enroll.json, reports, and starts enrolled the next time", async () => {
    const { dir, server } = setup;
    const bundle = join(dir, "laptop.json");
    const state = join(dir, "state");
    const config = join(dir, "enroll.json");
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-silent-01", usbStick: false, deniedSoftware: false }));
    await writeFile(config, JSON.stringify({ server: server.url, secret: server.enrollSecret }), { mode: 0o600 });
    const env = { COMPLIANCE_AGENT_ENROLL_CONFIG: config };
    const agent = setup.runAgent(state, bundle, env);
    const device = await eventually(
      async () => {
        const devices = await api(server, server.adminToken, "/api/v1/devices", DeviceList);
        return devices.body.items.find((d) => d.hostname === "lt-silent-01" && d.status === "compliant");
      },
      30_000,
      "the silently enrolled device reporting",
    );
    const enrollment = JSON.parse(await readFile(join(state, "enrollment.json"), "utf8")) as { deviceId: string };
    expect(enrollment.deviceId).toBe(device.id);
    expect(JSON.parse(await readFile(config, "utf8"))).toEqual({ server: server.url });
    expect((await stat(config)).mode & 0o777).toBe(0o600);
    expect(agent.output()).not.toContain(server.enrollSecret);

    await agent.stop();
    setup.runAgent(state, bundle, env);
    await eventually(
      async () => {
        const status = JSON.parse((await runAgentCli(["status", "--state-dir", state, "--json"])).stdout) as { connection: string };
        return status.connection === "connected" ? true : undefined;
      },
      30_000,
      "the restarted agent connected",
    );
    const devices = await api(server, server.adminToken, "/api/v1/devices", DeviceList);
    expect(devices.body.items.filter((d) => d.hostname === "lt-silent-01")).toHaveLength(1);
  }, 90_000);

  it("says what to do when the configuration is wrong or its secret was already used", async () => {
    const { dir, server } = setup;
    const state = join(dir, "state");
    const config = join(dir, "enroll.json");
    await writeFile(config, JSON.stringify({ server: "compliance.example", secret: "x" }));
    const bad = await runAgentCli(["run", "--state-dir", state], { COMPLIANCE_AGENT_ENROLL_CONFIG: config });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${config}: server:`);
    await writeFile(config, JSON.stringify({ server: server.url }));
    const used = await runAgentCli(["run", "--state-dir", state], { COMPLIANCE_AGENT_ENROLL_CONFIG: config });
    expect(used.stderr).toMatch(
      /this device is not enrolled \(no .+enrollment\.json, no enrollment configuration\)\. Run: compliance-agent enroll/,
    );
    await writeFile(config, JSON.stringify({ server: server.url, secret: "wrong-secret" }));
    const refused = await runAgentCli(["run", "--state-dir", state], { COMPLIANCE_AGENT_ENROLL_CONFIG: config });
    expect(refused.stderr).toContain("the server refused the enrollment secret");
    expect(JSON.parse(await readFile(config, "utf8"))).toEqual({ server: server.url, secret: "wrong-secret" });
  }, 60_000);
});
