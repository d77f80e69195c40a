import { describe, expect, it } from "vitest";
import { fakeRunner } from "../../testing/fake-runner.js";
import { ejectPlan, enforceUsbStorage } from "./enforce.js";
import type { UsbFacts } from "./facts.js";

const stick = {
  name: "/dev/sdb",
  vendorId: "0781",
  productId: "5581",
  serial: "4C530001",
  mountpoints: ["/media/ana/STICK"],
  source: "lsblk",
};
const facts: UsbFacts = { devices: [stick], missingSources: [] };
const policy = { allowed: false, enforce: "eject" as const, exceptions: [] };

describe("USB enforcement", () => {
  it("unmounts every mountpoint and powers the disk off on Linux", () => {
    expect(ejectPlan("linux", stick)).toEqual([
      ["umount", "/media/ana/STICK"],
      ["udisksctl", "power-off", "--no-user-interaction", "-b", "/dev/sdb"],
    ]);
  });

  it("ejects with diskutil on macOS and through PowerShell by disk number on Windows", () => {
    expect(ejectPlan("darwin", { ...stick, name: "disk4" })).toEqual([["diskutil", "eject", "/dev/disk4"]]);
    const win = ejectPlan("win32", { ...stick, name: "PHYSICALDRIVE2" });
    expect(win[0]?.[0]).toBe("powershell.exe");
    expect(win[0]?.at(-1)).toContain("Set-Disk -Number 2 -IsOffline $true");
  });

  it("records success when every step succeeds", async () => {
    const runner = fakeRunner(
      "linux",
      ejectPlan("linux", stick).map((argv) => ({ argv })),
    );
    const actions = await enforceUsbStorage(facts, policy, runner);
    expect(actions).toEqual([expect.objectContaining({ subject: "4C530001", action: "eject", ok: true })]);
  });

  it("records the failing step and why, and stops there", async () => {
    const runner = fakeRunner("linux", [
      { argv: ["umount", "/media/ana/STICK"], exitCode: 32, stderr: "umount: /media/ana/STICK: target is busy." },
    ]);
    const [action] = await enforceUsbStorage(facts, policy, runner);
    expect(action?.ok).toBe(false);
    expect(action?.detail).toContain("target is busy");
  });

  it("reports, without running anything, a device seen only on the USB bus (no block device to eject)", async () => {
    const usbOnly = { ...stick, name: "/sys/bus/usb/devices/1-4", mountpoints: [] };
    const [action] = await enforceUsbStorage({ devices: [usbOnly], missingSources: [] }, policy, fakeRunner("linux", []));
    expect(action).toMatchObject({ ok: false, detail: expect.stringContaining("no block device") });
  });

  it("does nothing when the policy only reports, allows USB storage, or excepts the device", async () => {
    const runner = fakeRunner("linux", []);
    expect(await enforceUsbStorage(facts, { ...policy, enforce: "report" }, runner)).toEqual([]);
    expect(await enforceUsbStorage(facts, { ...policy, allowed: true }, runner)).toEqual([]);
    expect(await enforceUsbStorage(facts, { ...policy, exceptions: [{ serial: "4c530001" }] }, runner)).toEqual([]);
  });
});
