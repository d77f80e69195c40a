// End to end: what the person at the laptop sees — `compliance-agent status` from a status file any local user may
// read (no secrets in it), listing this device's violations with their fixes, and the notifications the agent gave.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { linuxLaptopBundle, writeBundle } from "../support/bundles.js";
import { enrollAgent, eventually, runAgentCli, serverPerTest } from "../support/processes.js";

interface StatusJson {
  results: { check: string; details?: { subject: string; message: string; fix: string }[] }[];
  notifications: { check: string; subject: string; text: string; shownTo: string[]; problem?: string }[];
}

describe("the person at the laptop", () => {
  const setup = serverPerTest("wg-e2e-user-");

  it("reads the violations with their fixes in `status`, and each was told once through the runner", async () => {
    const { dir, server } = setup;
    const bundle = join(dir, "laptop.json");
    const state = join(dir, "agent");
    await writeBundle(bundle, linuxLaptopBundle({ hostname: "lt-0099", usbStick: true, deniedSoftware: true, laxGnomeUser: true }));
    await enrollAgent(server, state, bundle);
    setup.runAgent(state, bundle);

    const status = await eventually(
      async () => {
        const r = await runAgentCli(["status", "--state-dir", state, "--json"]);
        const parsed = JSON.parse(r.stdout) as StatusJson;
        return parsed.notifications.length >= 3 ? parsed : undefined;
      },
      30_000,
      "three notifications in the status",
    );

    const fixes = status.results.flatMap((r) => (r.details ?? []).map((d) => `${r.check}:${d.subject}: ${d.fix}`));
    expect(fixes).toEqual(
      expect.arrayContaining([
        "usb-storage:071C395B848A2D24: Remove the USB stick Kingston Technology Company Inc. USB DISK 3.0 — eject it in the file manager, then unplug it (USB storage is not allowed)",
        "software:nmap: nmap is prohibited software: uninstall it or ask security@ for an exemption",
        "software:tcpdump: tcpdump is prohibited software: uninstall it or ask security@ for an exemption",
      ]),
    );
    expect(fixes.find((f) => f.startsWith("screen-lock:"))).toMatch(
      /^screen-lock:\S+: Screen lock: set it to 15 minutes or less — Settings › Privacy › Screen Lock/,
    );
    // Three in the first ten minutes (the fourth waits its turn); the replay records the attempt, shows nothing.
    expect(status.notifications).toHaveLength(3);
    expect(status.notifications.every((n) => n.shownTo.length === 0 && n.problem === "replay: runuser not recorded")).toBe(true);
    expect(status.notifications.map((n) => n.text)).toEqual(
      expect.arrayContaining([fixes.find((f) => f.startsWith("usb-storage:"))!.replace(/^usb-storage:\S+: /, "")]),
    );

    const text = await runAgentCli(["status", "--state-dir", state]);
    expect(text.stdout).toContain("to fix: Remove the USB stick Kingston Technology Company Inc. USB DISK 3.0");
    expect(text.stdout).toContain("to fix: nmap is prohibited software: uninstall it or ask security@ for an exemption");

    // Readable by anyone, listable by no one, and nothing secret in it.
    if (process.platform !== "win32") {
      expect((await stat(join(state, "status.json"))).mode & 0o777).toBe(0o644);
      expect((await stat(state)).mode & 0o777).toBe(0o711);
      expect((await stat(join(state, "enrollment.json"))).mode & 0o777).toBe(0o600);
    }
    const statusFile = await readFile(join(state, "status.json"), "utf8");
    const enrollment = JSON.parse(await readFile(join(state, "enrollment.json"), "utf8")) as { credential: string };
    expect(statusFile).not.toContain(enrollment.credential);
    expect(statusFile).not.toContain("PRIVATE KEY");
  }, 120_000);
});
