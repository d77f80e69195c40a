import { DEFAULT_POLICY, type CheckViolation, type Platform } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { FIX_TEXTS, fixText, usbLabel } from "./fix-texts.js";

const screenLock: CheckViolation = {
  subject: "user001",
  message: "The screen of user001 never locks on inactivity",
  observed: "gnome: never idle, no password on wake",
  expected: "…",
};
const usbStick: CheckViolation = {
  subject: "4C530001230514117424",
  message: "…",
  observed: "SanDisk Cruzer Blade attached, not mounted",
  expected: "no USB mass-storage device attached or mounted",
};
const wireshark: CheckViolation = {
  subject: "wireshark",
  message: "…",
  observed: "Wireshark 4.2.4 (app)",
  expected: "…",
  title: {
    name: "Wireshark",
    verdict: "denied",
    category: "sniffer",
    versions: ["4.2.4"],
    sources: ["app"],
    identity: {},
    scope: "installed",
  },
};
const unapproved: CheckViolation = {
  ...wireshark,
  subject: "adobe help",
  title: { ...wireshark.title!, name: "Adobe Help", verdict: "unapproved" },
};

describe("fix texts", () => {
  it.each([
    [
      "screen-lock",
      screenLock,
      "Screen lock: set it to 15 minutes or less — Settings › Privacy › Screen Lock (KDE: System Settings › Screen Locking)",
    ],
    [
      "usb-storage",
      usbStick,
      "Remove the USB stick SanDisk Cruzer Blade — eject it in the file manager, then unplug it (USB storage is not allowed)",
    ],
    ["software", wireshark, "Wireshark is prohibited software: uninstall it or ask security@ for an exemption"],
    ["software", unapproved, "Adobe Help is not approved software: uninstall it or ask IT to approve it"],
  ] as const)("words a %s violation on Linux", (check, violation, text) => {
    expect(fixText(check, violation, "linux", DEFAULT_POLICY)).toBe(text);
  });

  it("uses the policy's limit in whole minutes, rounded down", () => {
    expect(fixText("screen-lock", screenLock, "darwin", { screenLock: { maxIdleSeconds: 599, requirePassword: true } })).toContain(
      "set it to 9 minutes or less",
    );
    expect(fixText("screen-lock", screenLock, "win32", { screenLock: { maxIdleSeconds: 30, requirePassword: true } })).toContain(
      "set it to 1 minutes or less",
    );
  });

  it("has a text for every kind on every OS that names the fix in that OS's words", () => {
    const platforms: Platform[] = ["linux", "darwin", "win32"];
    for (const [kind, perOs] of Object.entries(FIX_TEXTS)) {
      const texts = platforms.map((p) => perOs[p]({ minutes: 15, device: "SanDisk Cruzer", title: "Wireshark" }));
      for (const text of texts) expect(text, kind).toMatch(/15 minutes|SanDisk Cruzer|Wireshark/);
      expect(new Set(texts).size, kind).toBe(3);
    }
  });

  it.each([
    ["SanDisk Cruzer Blade attached, not mounted", "SanDisk Cruzer Blade"],
    [
      "Kingston Technology Company Inc. USB DISK 3.0 [13fe:6700] mounted at /media/user001/KINGSTON",
      "Kingston Technology Company Inc. USB DISK 3.0",
    ],
    ["Alcor Micro, Corp. Flash Disk [058f:6387] mounted at /Volumes/NO NAME", "Alcor Micro, Corp. Flash Disk"],
    ["USB storage device [0781:????] attached, not mounted", undefined],
  ])("reads the device label of %j", (observed, label) => {
    expect(usbLabel(observed)).toBe(label);
  });

  it("names an unlabelled stick by its serial", () => {
    expect(fixText("usb-storage", { ...usbStick, observed: "USB storage device attached, not mounted" }, "win32", DEFAULT_POLICY)).toMatch(
      /^Remove the USB stick with serial 4C530001230514117424 — /,
    );
  });
});
