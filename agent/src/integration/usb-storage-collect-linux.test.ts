import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { listUsbDevices } from "../platform/node-usb.js";
import { collectReadingDeclared } from "../testing/declared-sources.js";
import { LiveRunner, liveRunnerOptions } from "../runner/live.js";
import { collectUsbStorageLinux } from "../checks/usb-storage/collect.linux.js";
import { evaluateUsbStorage } from "../checks/usb-storage/evaluate.js";

// Runs the collector on this very machine: the shape of what it finds, not the values.
describe.runIf(process.platform === "linux")("collectUsbStorageLinux on this machine", () => {
  it("returns well-formed facts and names each source this machine lacks", async () => {
    const runner = new LiveRunner(liveRunnerOptions("linux"), { usbDevices: () => listUsbDevices() });
    const facts = await collectReadingDeclared(collectUsbStorageLinux, runner);
    expect(Array.isArray(facts.devices)).toBe(true);
    for (const device of facts.devices) {
      expect(device.name).toMatch(/^(\/dev\/|\/sys\/bus\/usb\/devices\/|USB device )/);
      expect(device.source).not.toBe("");
      expect(Array.isArray(device.mountpoints)).toBe(true);
      if (device.vendorId !== undefined) expect(device.vendorId).toMatch(/^[0-9a-f]{4}$/);
    }
    for (const missing of facts.missingSources)
      expect(missing).toMatch(
        /^\S.*: (?:absent|not installed|not recorded|cannot be read \(\w+\)|exit code \d+.*|cannot list USB devices here)$/,
      );
    if (!existsSync("/sys/bus/usb/devices")) {
      expect(facts.missingSources).toContain("/sys/bus/usb/devices: absent");
      expect(facts.missingSources).toContain("USB device list from libusb: cannot list USB devices here");
    }
    expect(["pass", "fail"]).toContain(evaluateUsbStorage(facts, { allowed: false, enforce: "report", exceptions: [] }).status);
  });
});
