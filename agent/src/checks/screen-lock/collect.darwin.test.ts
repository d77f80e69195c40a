import plist from "plist";
import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { fixtureText } from "../../testing/fixtures.js";
import { collectReadingDeclared, ReadRecorder, undeclaredReads } from "../../testing/declared-sources.js";
import { fakeRunner, type FakeCommand } from "../../testing/fake-runner.js";
import { collectScreenLockDarwin } from "./collect.darwin.js";
import { MACOS_DEFAULT_IDLE_SECONDS } from "./merge.darwin.js";
import { evaluateScreenLock } from "./evaluate.js";

const CONSOLE = ["stat", "-f", "%Su %u", "/dev/console"];
const AS_ALICE = ["launchctl", "asuser", "501", "sudo", "-n", "-u", "alice"];
const IDLE = [...AS_ALICE, "defaults", "-currentHost", "read", "com.apple.screensaver", "idleTime"];
const STATUS = [...AS_ALICE, "sysadminctl", "-screenLock", "status"];
const PMSET_CUSTOM = ["pmset", "-g", "custom"];
const PMSET_BATT = ["pmset", "-g", "batt"];
const USER_PROFILE = "/Library/Managed Preferences/alice/com.apple.screensaver.plist";
const DEVICE_PROFILE = "/Library/Managed Preferences/com.apple.screensaver.plist";

const alice: FakeCommand = { argv: CONSOLE, stdout: "alice 501\n" };
const laptopPower: FakeCommand = { argv: PMSET_CUSTOM, stdout: fixtureText("macos/pmset/macos-laptop-g-custom.txt") };
const onAc: FakeCommand = { argv: PMSET_BATT, stdout: fixtureText("macos/pmset/macos26.5-macbookair-g-batt.txt") };
const idleUnset: FakeCommand = {
  argv: IDLE,
  exitCode: 1,
  stderr: fixtureText("macos/defaults-screensaver/macos26.5-macbookair-currenthost-idletime-unset-stderr.txt"),
};
const idle = (seconds: number): FakeCommand => ({ argv: IDLE, stdout: `${seconds}\n` });
const lockStatus = (file: string): FakeCommand => ({ argv: STATUS, stderr: fixtureText(`macos/sysadminctl-screenlock/${file}`) });

describe("collectScreenLockDarwin", () => {
  it.each([
    {
      name: "idleTime unset (20 min default), display sleep 2 min on battery / 10 min on AC, password at once: locks within 10 min and passes",
      commands: [alice, laptopPower, onAc, idleUnset, lockStatus("macos26.5-macbookair-stderr-immediate.txt")],
      idleSeconds: 600,
      lockDelaySeconds: 0,
      status: "pass",
    },
    {
      name: "screen lock off (macOS 26.5 stderr): waking never asks for a password and fails",
      commands: [alice, laptopPower, onAc, idleUnset, lockStatus("macos26.5-macbookair-stderr-off.txt")],
      idleSeconds: 600,
      lockDelaySeconds: null,
      status: "fail",
    },
    {
      name: "screen saver at 5 min plus a 300 s delay: 10 min in all, passes",
      commands: [alice, laptopPower, idle(300), lockStatus("macos26.5-macbookair-stderr-delay-300-seconds.txt")],
      idleSeconds: 300,
      lockDelaySeconds: 300,
      status: "pass",
    },
    {
      name: "screen saver never (idleTime 0) leaves display sleep to decide: 10 min on AC plus 300 s, passes at the limit",
      commands: [alice, laptopPower, idle(0), lockStatus("macos26.5-macbookair-stderr-delay-300-seconds.txt")],
      idleSeconds: 600,
      lockDelaySeconds: 300,
      status: "pass",
    },
    {
      name: "display sleep never on AC and no screen saver: the screen never locks while plugged in",
      commands: [
        alice,
        { argv: PMSET_CUSTOM, stdout: "Battery Power:\n displaysleep         2\nAC Power:\n displaysleep         0\n" },
        idle(0),
        lockStatus("macos14.8.7-arm64-stderr-immediate.txt"),
      ],
      idleSeconds: null,
      lockDelaySeconds: 0,
      status: "fail",
    },
  ])("$name", async ({ commands, idleSeconds, lockDelaySeconds, status }) => {
    const facts = await collectReadingDeclared(collectScreenLockDarwin, fakeRunner("darwin", commands));
    expect(facts.unreadable).toEqual([]);
    expect(facts.users).toHaveLength(1);
    expect(facts.users[0]).toMatchObject({ user: "alice", desktop: "macos", idleSeconds, lockDelaySeconds, managed: false });
    expect(evaluateScreenLock(facts, DEFAULT_POLICY.screenLock).status).toBe(status);
  });

  it("says where each value came from: the macOS default, pmset per power source, sysadminctl", async () => {
    const facts = await collectReadingDeclared(
      collectScreenLockDarwin,
      fakeRunner("darwin", [alice, laptopPower, onAc, idleUnset, lockStatus("macos-2026-macbookpro-stderr-immediate.txt")]),
    );
    expect(facts.users[0]?.detail).toBe(
      "screen saver after 20 min (macOS default, idleTime not set); display sleep 2 min on Battery Power, 10 min on AC Power (pmset; now on AC Power); password at once (user setting, sysadminctl -screenLock)",
    );
    expect(MACOS_DEFAULT_IDLE_SECONDS).toBe(1200);
  });

  it("reports the login window (console owned by root) as no session, which the evaluator calls unknown", async () => {
    const facts = await collectReadingDeclared(collectScreenLockDarwin, fakeRunner("darwin", [{ argv: CONSOLE, stdout: "root 0\n" }]));
    expect(facts.users).toEqual([]);
    expect(facts.noSession).toMatch(/login window/);
    expect(evaluateScreenLock(facts, DEFAULT_POLICY.screenLock).status).toBe("unknown");
  });

  it("lets the user's MDM profile decide idle time and password without asking the user's settings (managed)", async () => {
    const profile = plist.build({ idleTime: 300, askForPassword: 1, askForPasswordDelay: 5 });
    const facts = await collectReadingDeclared(
      collectScreenLockDarwin,
      fakeRunner("darwin", [alice, laptopPower], { [USER_PROFILE]: profile }),
    );
    expect(facts.users[0]).toMatchObject({ idleSeconds: 300, lockDelaySeconds: 5, managed: true });
    expect(facts.users[0]?.detail).toContain("MDM profile for alice: idleTime");
  });

  it("applies a device-wide MDM profile that turns the password off, even when sysadminctl is not asked", async () => {
    const profile = plist.build({ askForPassword: false });
    const facts = await collectReadingDeclared(
      collectScreenLockDarwin,
      fakeRunner("darwin", [alice, laptopPower, idle(60)], { [DEVICE_PROFILE]: profile }),
    );
    expect(facts.users[0]).toMatchObject({ idleSeconds: 60, lockDelaySeconds: null, managed: true });
    expect(evaluateScreenLock(facts, DEFAULT_POLICY.screenLock).violations[0]?.message).toContain("set by machine policy");
  });

  it("lets the user's profile win over the device profile for the same key", async () => {
    const files = {
      [USER_PROFILE]: plist.build({ idleTime: 600 }),
      [DEVICE_PROFILE]: plist.build({ idleTime: 60, askForPassword: true, askForPasswordDelay: 0 }),
    };
    const facts = await collectReadingDeclared(collectScreenLockDarwin, fakeRunner("darwin", [alice, laptopPower], files));
    expect(facts.users[0]).toMatchObject({ idleSeconds: 600, lockDelaySeconds: 0, managed: true });
  });

  it("marks the user unreadable (check unknown) when a per-user command was not recorded", async () => {
    const facts = await collectReadingDeclared(collectScreenLockDarwin, fakeRunner("darwin", [alice, laptopPower, idleUnset]));
    expect(facts.users).toEqual([]);
    expect(facts.unreadable).toEqual([{ user: "alice", reason: `${STATUS.join(" ")}: not recorded` }]);
    expect(evaluateScreenLock(facts, DEFAULT_POLICY.screenLock).status).toBe("unknown");
  });

  it("marks the user unreadable when sysadminctl answers something it does not understand", async () => {
    const facts = await collectReadingDeclared(
      collectScreenLockDarwin,
      fakeRunner("darwin", [alice, laptopPower, idle(60), { argv: STATUS, exitCode: 1, stderr: "Unknown state for screenLock (0)\n" }]),
    );
    expect(facts.unreadable[0]?.reason).toMatch(/cannot parse .*sysadminctl -screenLock status/);
  });

  it("cannot judge without pmset: the collector fails and the check becomes unknown", async () => {
    await expect(collectReadingDeclared(collectScreenLockDarwin, fakeRunner("darwin", [alice]))).rejects.toThrow(
      "pmset -g custom: not recorded",
    );
  });

  it("reads only the sources it declares, {user} and {uid} filled with the console user's", async () => {
    const recorder = new ReadRecorder(
      fakeRunner("darwin", [alice, laptopPower, onAc, idleUnset, lockStatus("macos26.5-macbookair-stderr-immediate.txt")]),
    );
    await collectScreenLockDarwin.collect(recorder);
    expect(undeclaredReads(collectScreenLockDarwin.sources, recorder.reads)).toEqual([]);
    expect(recorder.reads).toEqual(
      expect.arrayContaining([
        { kind: "file", path: USER_PROFILE },
        { kind: "command", argv: IDLE },
        { kind: "command", argv: STATUS },
      ]),
    );
  });

  it("lists in sources exactly the argv and paths it runs", () => {
    const argvs = collectScreenLockDarwin.sources.flatMap((s) => (s.kind === "command" ? [s.argv.join(" ")] : [s.path]));
    expect(argvs).toEqual([
      CONSOLE.join(" "),
      PMSET_CUSTOM.join(" "),
      PMSET_BATT.join(" "),
      DEVICE_PROFILE,
      "/Library/Managed Preferences/{user}/com.apple.screensaver.plist",
      "launchctl asuser {uid} sudo -n -u {user} defaults -currentHost read com.apple.screensaver idleTime",
      "launchctl asuser {uid} sudo -n -u {user} sysadminctl -screenLock status",
    ]);
  });
});
