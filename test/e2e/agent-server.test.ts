// End to end: a real server process and a real agent process replaying a laptop; violations open, then resolve.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeviceList, ViolationPage } from "@wegroup/shared";
import { linuxLaptopBundle, writeBundle } from "../support/bundles.js";
import { api, enrollAgent, eventually, runAgentCli, serverPerTest } from "../support/processes.js";

describe("a laptop reporting to the server", () => {
  const setup = serverPerTest("wg-e2e-");

  it("opens violations for a USB stick and nmap, and resolves them when the laptop is clean again", async () => {
    const { dir, server } = setup;
    const bundle = join(dir, "laptop.json");
    const state = join(dir, "agent");
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-0042", usbStick: true, deniedSoftware: true }));

    await enrollAgent(server, state, bundle);
    setup.runAgent(state, bundle);

    const open = await eventually(
      async () => {
        const r = await api(server, server.adminToken, "/api/v1/violations?status=open", ViolationPage);
        return r.body.items.length >= 3 ? r.body.items : undefined;
      },
      30_000,
      "three open violations",
    );
    expect(open.map((v) => `${v.check}:${v.subject}`).sort()).toEqual([
      "software:nmap",
      "software:tcpdump",
      "usb-storage:071C395B848A2D24",
    ]);
    expect(open.every((v) => v.hostname === "lt-0042" && v.status === "open" && v.resolvedAt === null)).toBe(true);

    const devices = await api(server, server.adminToken, "/api/v1/devices", DeviceList);
    expect(devices.body.items).toEqual([expect.objectContaining({ hostname: "lt-0042", status: "noncompliant", openViolations: 3 })]);

    // The stick is pulled and the tools uninstalled: swap the replayed machine for a clean one.
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-0042", usbStick: false, deniedSoftware: false }));
    const resolved = await eventually(
      async () => {
        const r = await api(server, server.adminToken, "/api/v1/violations?status=resolved", ViolationPage);
        return r.body.items.length >= 3 ? r.body.items : undefined;
      },
      30_000,
      "three resolved violations",
    );
    expect(resolved.map((v) => v.subject).sort()).toEqual(["071C395B848A2D24", "nmap", "tcpdump"]);
    expect(resolved.every((v) => v.resolvedAt !== null)).toBe(true);
    const stillOpen = await api(server, server.adminToken, "/api/v1/violations?status=open", ViolationPage);
    expect(stillOpen.body.items).toEqual([]);
    const after = await api(server, server.adminToken, "/api/v1/devices", DeviceList);
    expect(after.body.items[0]?.status).toBe("compliant");

    const status = await runAgentCli(["status", "--state-dir", state, "--json"]);
    const parsed = JSON.parse(status.stdout) as { enrolled: boolean; running: boolean; connection: string; queuedReports: number };
    expect(parsed).toMatchObject({ enrolled: true, running: true, connection: "connected", queuedReports: 0 });
  }, 120_000);

  it("refuses a wrong enrollment secret with a message that says what to do", async () => {
    const { dir, server } = setup;
    const r = await runAgentCli(["enroll", "--server", server.url, "--secret", "not-the-secret", "--state-dir", join(dir, "agent2")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused the enrollment secret/);
  });

  it("tells a person who runs an unenrolled agent how to enroll", async () => {
    const { dir } = setup;
    const r = await runAgentCli(["run", "--state-dir", join(dir, "nowhere")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not enrolled .* compliance-agent enroll --server URL --secret SECRET/);
  });
});
