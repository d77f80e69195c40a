// End to end with real agent processes: the agent's enrollment key, a takeover attempt with its hardware id, transport refusals, damaged state files.
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENT_CHANNEL_PATH, AuditPage, DeviceList, PROTOCOL_VERSION, ViolationPage } from "@wegroup/shared";
import WebSocket from "ws";
import { linuxLaptopBundle, writeBundle } from "../support/bundles.js";
import { api, enrollAgent, eventually, removeDir, runAgentCli, serverPerTest, tempDir } from "../support/processes.js";

describe("device identity with real agents", () => {
  const setup = serverPerTest("wg-identity-");

  it("keeps the real agent's device when an impostor enrolls with its hardware id: a new device, flagged and audited", async () => {
    const { dir, server } = setup;
    const realBundle = join(dir, "real.json");
    const realState = join(dir, "real");
    await writeBundle(realBundle, linuxLaptopBundle({ hostname: "lt-0042", usbStick: false, deniedSoftware: false }));
    await enrollAgent(server, realState, realBundle);
    expect((await stat(join(realState, "device-key.pem"))).mode & 0o777).toBe(0o600);
    const enrollment = JSON.parse(await readFile(join(realState, "enrollment.json"), "utf8")) as {
      deviceId: string;
      credential: string;
      publicKey?: string;
    };
    expect(enrollment.publicKey).toMatch(/^[A-Za-z0-9_-]{59}$/);
    setup.runAgent(realState, realBundle);
    await eventually(
      async () => {
        const devices = await api(server, server.adminToken, "/api/v1/devices", DeviceList);
        return devices.body.items.find((d) => d.id === enrollment.deviceId && d.status === "compliant");
      },
      30_000,
      "the real device reporting",
    );

    // The agent signs its hellos: the credential copied out of its state dir, without the key, is refused.
    expect(await helloWithoutKey(server.url, enrollment.deviceId, enrollment.credential)).toBe(4401);

    // The impostor: the same machine identity (any local user can read it) and the fleet's enrollment secret.
    const impostorState = join(dir, "impostor");
    await enrollAgent(server, impostorState, realBundle);
    const impostorId = (JSON.parse(await readFile(join(impostorState, "enrollment.json"), "utf8")) as { deviceId: string }).deviceId;
    expect(impostorId).not.toBe(enrollment.deviceId);
    setup.runAgent(impostorState, realBundle);

    const devices = (await api(server, server.adminToken, "/api/v1/devices", DeviceList)).body.items;
    expect(devices.find((d) => d.id === enrollment.deviceId)?.reEnrollmentOf).toBeNull();
    expect(devices.find((d) => d.id === impostorId)?.reEnrollmentOf).toBe(enrollment.deviceId);
    const audit = await api(server, server.adminToken, "/api/v1/audit?action=device.re-enroll", AuditPage);
    expect(audit.body.items).toEqual([
      expect.objectContaining({ target: `device ${impostorId}`, detail: expect.objectContaining({ reEnrollmentOf: enrollment.deviceId }) }),
    ]);

    // The real laptop is still the one reporting for its device: a USB stick plugged in shows up under its id.
    await writeBundle(realBundle, linuxLaptopBundle({ hostname: "lt-0042", usbStick: true, deniedSoftware: false }));
    const stick = await eventually(
      async () => {
        const r = await api(
          server,
          server.adminToken,
          `/api/v1/violations?status=open&check=usb-storage&device=${enrollment.deviceId}`,
          ViolationPage,
        );
        return r.body.items[0];
      },
      30_000,
      "the real device's USB violation",
    );
    expect(stick.deviceId).toBe(enrollment.deviceId);
    const status = JSON.parse((await runAgentCli(["status", "--state-dir", realState, "--json"])).stdout) as { connection: string };
    expect(status.connection).toBe("connected");
  }, 120_000);
});

/** A hello with the device's credential but no signature; answers the close code. */
function helloWithoutKey(baseUrl: string, deviceId: string, credential: string): Promise<number> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}${AGENT_CHANNEL_PATH}`);
  ws.on("open", () => {
    const device = { hostname: "lt-0042", platform: "linux", agentVersion: "0.1.0" };
    ws.send(
      JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, deviceId, credential, agentVersion: "0.1.0", policyVersion: 0, device }),
    );
  });
  return new Promise((resolve, reject) => {
    ws.on("close", (code) => resolve(code));
    ws.on("error", reject);
  });
}

describe("agent transport and state files", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir("wg-agent-state-");
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it.each(["http://10.20.30.40:8080", "http://compliance.wegroup.example"])(
    "refuses to enroll over plain http:// with %s, which is not this machine",
    async (url) => {
      const r = await runAgentCli(["enroll", "--server", url, "--secret", "s", "--state-dir", join(dir, "agent")]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--server: refusing plain http:\/\/ to \S+, which is not this machine.*Use https:\/\//);
    },
  );

  it("refuses to run with an enrollment that points at plain http:// off this machine", async () => {
    const state = join(dir, "agent");
    await mkdir(state, { recursive: true });
    await writeFile(
      join(state, "enrollment.json"),
      JSON.stringify({
        serverUrl: "http://10.20.30.40:8080",
        deviceId: "d-1",
        credential: "x".repeat(43),
        enrolledAt: new Date().toISOString(),
      }),
      { mode: 0o600 },
    );
    const r = await runAgentCli(["run", "--state-dir", state]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(state, "enrollment.json")}: refusing plain http:// to 10.20.30.40`);
  });

  it("names a truncated enrollment.json and says to enroll again, in run and in status", async () => {
    const state = join(dir, "agent");
    await mkdir(state, { recursive: true });
    const file = join(state, "enrollment.json");
    await writeFile(file, '{"serverUrl":"https://compliance.wegroup.example","deviceId":"0190', { mode: 0o600 });
    const run = await runAgentCli(["run", "--state-dir", state]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(
        `the enrollment file ${file.replaceAll("/", "\\/")} is damaged \\(not JSON: .*\\)\\. Enroll this device again: compliance-agent enroll`,
      ),
    );
    expect(run.stderr).not.toMatch(/unexpected error/);
    const status = await runAgentCli(["status", "--state-dir", state]);
    expect(status.stdout).toContain(`the enrollment file ${file} is damaged`);
  });
});

describe("enroll --ca", () => {
  const setup = serverPerTest("wg-ca-");

  it("stores the CA file as an absolute path, so that the service finds it from any working directory", async () => {
    const { dir, server } = setup;
    // A CA file is only read to trust https; a loopback http server suffices to see where its path is stored.
    await writeFile(join(dir, "corp-ca.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
    const state = join(dir, "agent");
    const r = await runAgentCli(
      ["enroll", "--server", server.url, "--secret", server.enrollSecret, "--state-dir", state, "--ca", "corp-ca.pem"],
      {},
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const enrollment = JSON.parse(await readFile(join(state, "enrollment.json"), "utf8")) as { caFile?: string };
    expect(enrollment.caFile).toBe(join(dir, "corp-ca.pem"));
  });
});
