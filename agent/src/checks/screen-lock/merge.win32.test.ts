import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { evaluateScreenLock } from "./evaluate.js";
import { effectiveWindowsLock, type WindowsLockInputs } from "./merge.win32.js";

const SAVER = "C:\\Windows\\system32\\scrnsave.scr";
const base: WindowsLockInputs = { user: "WEGROUP\\demo.user", userDesktop: {}, policyDesktop: {} };

type Case = [string, Partial<WindowsLockInputs>, { idle: number | null; delay: number | null; managed: boolean }, "pass" | "fail"];

const CASES: Case[] = [
  ["nothing set: never locks", {}, { idle: null, delay: null, managed: false }, "fail"],
  [
    "secure screen saver after 600 s",
    { userDesktop: { active: true, timeoutSeconds: 600, secure: true, executable: SAVER } },
    { idle: 600, delay: 0, managed: false },
    "pass",
  ],
  [
    "secure screen saver after exactly 900 s",
    { userDesktop: { active: true, timeoutSeconds: 900, secure: true, executable: SAVER } },
    { idle: 900, delay: 0, managed: false },
    "pass",
  ],
  [
    "secure screen saver after 1200 s",
    { userDesktop: { active: true, timeoutSeconds: 1200, secure: true, executable: SAVER } },
    { idle: 1200, delay: 0, managed: false },
    "fail",
  ],
  [
    "screen saver without a password",
    { userDesktop: { active: true, timeoutSeconds: 300, secure: false, executable: SAVER } },
    { idle: 300, delay: null, managed: false },
    "fail",
  ],
  [
    "ScreenSaverIsSecure not set reads as no password",
    { userDesktop: { active: true, timeoutSeconds: 300, executable: SAVER } },
    { idle: 300, delay: null, managed: false },
    "fail",
  ],
  [
    "secure but no screen saver chosen (SCRNSAVE.EXE missing): nothing runs",
    { userDesktop: { active: true, timeoutSeconds: 300, secure: true } },
    { idle: null, delay: null, managed: false },
    "fail",
  ],
  [
    "secure but timeout 0",
    { userDesktop: { active: true, timeoutSeconds: 0, secure: true, executable: SAVER } },
    { idle: null, delay: null, managed: false },
    "fail",
  ],
  [
    "policy switches off the user's good screen saver",
    { userDesktop: { active: true, timeoutSeconds: 300, secure: true, executable: SAVER }, policyDesktop: { active: false } },
    { idle: null, delay: null, managed: true },
    "fail",
  ],
  [
    "policy makes a lax user screen saver secure and short",
    {
      userDesktop: { active: true, timeoutSeconds: 3600, secure: false, executable: SAVER },
      policyDesktop: { timeoutSeconds: 600, secure: true },
    },
    { idle: 600, delay: 0, managed: true },
    "pass",
  ],
  [
    "display off 600/300 with password on wake: locks at 600 (worst of AC and DC)",
    { displayOff: { ac: 600, dc: 300 }, consoleLock: { ac: 1, dc: 1 } },
    { idle: 600, delay: 0, managed: false },
    "pass",
  ],
  [
    "display off without password on wake: blank only",
    { displayOff: { ac: 600, dc: 300 }, consoleLock: { ac: 0, dc: 0 } },
    { idle: 600, delay: null, managed: false },
    "fail",
  ],
  [
    "display never off on AC",
    { displayOff: { ac: 0, dc: 300 }, consoleLock: { ac: 1, dc: 1 } },
    { idle: null, delay: null, managed: false },
    "fail",
  ],
  [
    "password on wake only on battery",
    { displayOff: { ac: 300, dc: 300 }, consoleLock: { ac: 0, dc: 1 } },
    { idle: 300, delay: null, managed: false },
    "fail",
  ],
  [
    "display blanks at 300, secure saver at 1200: locks 900 s after blanking",
    { displayOff: { ac: 300, dc: 300 }, userDesktop: { active: true, timeoutSeconds: 1200, secure: true, executable: SAVER } },
    { idle: 300, delay: 900, managed: false },
    "fail",
  ],
  [
    "machine inactivity limit 900 s rescues an unset user",
    { inactivityTimeoutSeconds: 900 },
    { idle: 900, delay: 0, managed: true },
    "pass",
  ],
  [
    "machine limit earlier than the user's lock decides",
    { inactivityTimeoutSeconds: 600, userDesktop: { active: true, timeoutSeconds: 1200, secure: true, executable: SAVER } },
    { idle: 600, delay: 0, managed: true },
    "pass",
  ],
];

describe("effectiveWindowsLock", () => {
  it.each(CASES)("%s", (_name, inputs, expected, verdict) => {
    const lock = effectiveWindowsLock({ ...base, ...inputs });
    expect({ idle: lock.idleSeconds, delay: lock.lockDelaySeconds, managed: lock.managed }).toEqual(expected);
    expect(lock).toMatchObject({ user: "WEGROUP\\demo.user", desktop: "windows" });
    expect(evaluateScreenLock({ users: [lock], unreadable: [] }, DEFAULT_POLICY.screenLock).status).toBe(verdict);
  });

  it("says where each part came from in the detail", () => {
    const lock = effectiveWindowsLock({
      ...base,
      userDesktop: { active: true, timeoutSeconds: 1200, secure: false, executable: SAVER },
      policyDesktop: { secure: false },
      displayOff: { ac: 600, dc: 300 },
      consoleLock: { ac: 0, dc: 0 },
    });
    expect(lock.detail).toBe(
      `screen saver ${SAVER} after 1200 s, no password on resume (Group Policy: secure); display off after 600 s plugged in, 300 s on battery; password on wake off; no machine inactivity limit`,
    );
  });
});
