import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { LOADED_HIVES_ARGV } from "../../platform/win32/user-hives.js";
import { collectReadingDeclared, ReadRecorder, undeclaredReads } from "../../testing/declared-sources.js";
import { fakeRunner, type FakeCommand } from "../../testing/fake-runner.js";
import { fixtureText } from "../../testing/fixtures.js";
import { runCheck } from "../engine.js";
import { fillArgv } from "../types.js";
import {
  WIN32_CONSOLELOCK,
  WIN32_MACHINE_POLICY,
  WIN32_POLICY_DESKTOP,
  WIN32_USER_DESKTOP,
  WIN32_VIDEOIDLE,
  WIN32_VOLATILE_ENVIRONMENT,
  collectScreenLockWin32,
} from "./collect.win32.js";
import { evaluateScreenLock } from "./evaluate.js";
import { screenLockCheck } from "./index.js";

const USER = "S-1-5-21-0-0-0-1125";
const OTHER = "S-1-5-21-0-0-0-1126";
const NOT_FOUND = fixtureText("windows/reg-desktop/en-server-screensaverissecure-value-missing.txt");
const missing = (argv: readonly string[]): FakeCommand => ({ argv, exitCode: 1, stderr: NOT_FOUND });
const forSid = (argv: readonly string[], sid: string) => fillArgv(argv, { sid });

/** A machine assembled from the fixtures: one signed-in user with a blank screen saver after 20 min and no password, a second hive without a session. */
function machine(overrides: FakeCommand[] = []): FakeCommand[] {
  const base: FakeCommand[] = [
    { argv: LOADED_HIVES_ARGV, stdout: fixtureText("windows/reg-hku/two-user-hives-service-sid-reg-query-layout.derived.txt") },
    {
      argv: forSid(WIN32_VOLATILE_ENVIRONMENT, USER),
      stdout: fixtureText("windows/reg-volatile-environment/demo-user-console-session.derived.txt"),
    },
    missing(forSid(WIN32_VOLATILE_ENVIRONMENT, OTHER)),
    {
      argv: forSid(WIN32_USER_DESKTOP, USER),
      stdout: fixtureText("windows/reg-desktop/hku-user-blank-saver-1200s-not-secure.derived.txt"),
    },
    missing(forSid(WIN32_POLICY_DESKTOP, USER)),
    {
      argv: WIN32_MACHINE_POLICY,
      stdout: fixtureText("windows/reg-policies-system/win10-ent-21h2-values-in-reg-query-layout.derived.txt"),
    },
    { argv: WIN32_VIDEOIDLE, stdout: fixtureText("windows/powercfg/en-balanced-scheme-current-sub-video-videoidle.derived.txt") },
    { argv: WIN32_CONSOLELOCK, stdout: fixtureText("windows/powercfg/en-balanced-scheme-current-sub-none-consolelock-off.derived.txt") },
  ];
  const replaced = new Set(overrides.map((c) => JSON.stringify(c.argv)));
  return [...base.filter((c) => !replaced.has(JSON.stringify(c.argv))), ...overrides];
}

describe("collectScreenLockWin32", () => {
  it("judges the signed-in user from the recorded keys: blank after 600 s (display), no password anywhere → fail", async () => {
    const facts = await collectReadingDeclared(collectScreenLockWin32, fakeRunner("win32", machine()));
    expect(facts.unreadable).toEqual([]);
    expect(facts.users).toHaveLength(1);
    expect(facts.users[0]).toMatchObject({
      user: "WEGROUP\\demo.user",
      desktop: "windows",
      idleSeconds: 600,
      lockDelaySeconds: null,
      managed: false,
    });
    const result = evaluateScreenLock(facts, DEFAULT_POLICY.screenLock);
    expect(result.status).toBe("fail");
    expect(result.violations[0]).toMatchObject({ subject: "WEGROUP\\demo.user" });
    expect(result.violations[0]?.message).toMatch(/does not ask for a password/);
  });

  it("passes the same user once password-on-wake is on: the display goes off (and locks) after 600 s", async () => {
    const consoleLockOn = fixtureText("windows/powercfg/en-balanced-scheme-current-sub-none-consolelock-off.derived.txt").replace(
      /0x00000000/g,
      "0x00000001",
    );
    const facts = await collectReadingDeclared(
      collectScreenLockWin32,
      fakeRunner("win32", machine([{ argv: WIN32_CONSOLELOCK, stdout: consoleLockOn }])),
    );
    expect(facts.users[0]).toMatchObject({ idleSeconds: 600, lockDelaySeconds: 0 });
    expect(evaluateScreenLock(facts, DEFAULT_POLICY.screenLock).status).toBe("pass");
  });

  it("lets Group Policy win over the user's key (managed)", async () => {
    const policy =
      "\nHKEY_USERS\\S-1-5-21-0-0-0-1125\\Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop\n    ScreenSaverIsSecure    REG_SZ    1\n    ScreenSaveTimeOut    REG_SZ    600\n";
    const facts = await collectReadingDeclared(
      collectScreenLockWin32,
      fakeRunner("win32", machine([{ argv: forSid(WIN32_POLICY_DESKTOP, USER), stdout: policy }])),
    );
    expect(facts.users[0]).toMatchObject({ idleSeconds: 600, lockDelaySeconds: 0, managed: true });
    expect(evaluateScreenLock(facts, DEFAULT_POLICY.screenLock).status).toBe("pass");
  });

  it("reads German powercfg output by the setting's GUID, not its labels: the values it prints are the ones judged", async () => {
    // German labels and values of its own (AC 300 s, DC 720 s): only reading this output gives 720 (the English one gives 600).
    const german = fixtureText("windows/powercfg/en-balanced-scheme-current-sub-video-videoidle.derived.txt")
      .replace("Power Scheme GUID", "GUID des Energieschemas")
      .replace("Current AC Power Setting Index: 0x00000258", "Index der aktuellen Wechselstromeinstellung: 0x0000012c")
      .replace("Current DC Power Setting Index: 0x0000012c", "Index der aktuellen Gleichstromeinstellung: 0x000002d0");
    expect(german).not.toMatch(/Current|Power Scheme/);
    const facts = await collectReadingDeclared(
      collectScreenLockWin32,
      fakeRunner("win32", machine([{ argv: WIN32_VIDEOIDLE, stdout: german }])),
    );
    // The longer of the two (on battery) counts; the 1200 s screen saver comes later.
    expect(facts.users[0]).toMatchObject({ idleSeconds: 720, lockDelaySeconds: null });
  });

  it("reports no session when no user hive is loaded (unknown, never pass)", async () => {
    const runner = fakeRunner(
      "win32",
      machine([
        {
          argv: LOADED_HIVES_ARGV,
          stdout: "\r\nHKEY_USERS\\.DEFAULT\r\nHKEY_USERS\\S-1-5-19\r\nHKEY_USERS\\S-1-5-20\r\nHKEY_USERS\\S-1-5-18\r\n",
        },
      ]),
    );
    const result = await runCheck(screenLockCheck, runner, DEFAULT_POLICY);
    expect(result).toMatchObject({ status: "unknown", reason: expect.stringMatching(/no user is signed in/) });
  });

  it("reports no session when the loaded user hives have no interactive session, without needing the machine-wide sources", async () => {
    const runner = fakeRunner("win32", [
      { argv: LOADED_HIVES_ARGV, stdout: fixtureText("windows/reg-hku/two-user-hives-service-sid-reg-query-layout.derived.txt") },
      missing(forSid(WIN32_VOLATILE_ENVIRONMENT, USER)),
      missing(forSid(WIN32_VOLATILE_ENVIRONMENT, OTHER)),
    ]);
    const result = await runCheck(screenLockCheck, runner, DEFAULT_POLICY);
    expect(result).toMatchObject({ status: "unknown", reason: expect.stringMatching(/no user has an interactive desktop session/) });
  });

  it("counts a hive as a session, named by its SID, when Volatile Environment was not recorded; an unrecorded key makes that user unreadable", async () => {
    const commands = machine().filter((c) => !c.argv.join(" ").includes("Volatile Environment"));
    const facts = await collectReadingDeclared(collectScreenLockWin32, fakeRunner("win32", commands));
    expect(facts.users.map((u) => u.user)).toEqual([USER]);
    expect(facts.unreadable).toEqual([
      { user: OTHER, reason: 'reg query "HKU\\S-1-5-21-0-0-0-1126\\Control Panel\\Desktop": not recorded' },
    ]);
    // The readable user fails; the unreadable one is named in the reason.
    const result = evaluateScreenLock(facts, DEFAULT_POLICY.screenLock);
    expect(result).toMatchObject({ status: "fail", reason: expect.stringMatching(/not read: S-1-5-21-0-0-0-1126/) });
  });

  it("makes a user whose key is access-denied unreadable, so a compliant other user cannot turn it into a pass", async () => {
    const secureSaver = fixtureText("windows/reg-desktop/hku-user-blank-saver-1200s-not-secure.derived.txt")
      .replace("ScreenSaverIsSecure    REG_SZ    0", "ScreenSaverIsSecure    REG_SZ    1")
      .replace("1200", "600");
    const commands = machine([
      { argv: forSid(WIN32_USER_DESKTOP, USER), stdout: secureSaver },
      {
        argv: forSid(WIN32_VOLATILE_ENVIRONMENT, OTHER),
        stdout: "\nHKEY_USERS\\S-1-5-21-0-0-0-1126\\Volatile Environment\n    USERNAME    REG_SZ    other\n",
      },
      { argv: forSid(WIN32_USER_DESKTOP, OTHER), exitCode: 1, stderr: "ERROR: Access is denied." },
    ]);
    const result = await runCheck(screenLockCheck, fakeRunner("win32", commands), DEFAULT_POLICY);
    expect(result).toMatchObject({ status: "unknown", reason: expect.stringMatching(/other: .*Access is denied/) });
  });

  it.each([
    [
      "a VIDEOIDLE output cut short",
      WIN32_VIDEOIDLE,
      fixtureText("windows/powercfg/en-balanced-scheme-current-sub-video-videoidle.derived.txt").split(
        "Possible Settings units",
      )[0] as string,
      /powercfg \/q SCHEME_CURRENT SUB_VIDEO VIDEOIDLE/,
    ],
    [
      "a machine policy key in garbage",
      WIN32_MACHINE_POLICY,
      "\u00ff\u00fe garbage \u0000",
      /HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System/,
    ],
  ])("makes the check unknown, naming the source, for %s", async (_what, argv, stdout, reason) => {
    const result = await runCheck(screenLockCheck, fakeRunner("win32", machine([{ argv, stdout }])), DEFAULT_POLICY);
    expect(result.status).toBe("unknown");
    expect(result.reason).toMatch(reason);
  });

  it("makes the check unknown when a machine-wide source was not recorded", async () => {
    const commands = machine().filter((c) => c.argv !== WIN32_CONSOLELOCK);
    const result = await runCheck(screenLockCheck, fakeRunner("win32", commands), DEFAULT_POLICY);
    expect(result).toMatchObject({ status: "unknown", reason: "powercfg /q SCHEME_CURRENT SUB_NONE CONSOLELOCK: not recorded" });
  });

  it("treats a failing powercfg query (hidden setting) as not set", async () => {
    const facts = await collectReadingDeclared(
      collectScreenLockWin32,
      fakeRunner("win32", machine([{ argv: WIN32_CONSOLELOCK, exitCode: 1, stdout: 'Invalid Parameters -- try "/?" for help' }])),
    );
    expect(facts.users[0]).toMatchObject({ lockDelaySeconds: null });
  });

  it("runs exactly the commands its sources list (placeholders filled)", async () => {
    const recorder = new ReadRecorder(fakeRunner("win32", machine()));
    await collectScreenLockWin32.collect(recorder);
    expect(undeclaredReads(collectScreenLockWin32.sources, recorder.reads)).toEqual([]);
    const ran = recorder.reads.flatMap((r) => (r.kind === "command" ? [[...r.argv]] : []));
    const templates = collectScreenLockWin32.sources.map((s) => (s.kind === "command" ? JSON.stringify(s.argv) : ""));
    for (const argv of ran) {
      const template = argv.map((part) => part.replace(/S-1-5-21-[\d-]+/, "{sid}"));
      expect(templates).toContain(JSON.stringify(template));
    }
    expect(new Set(ran.map((a) => JSON.stringify(a.map((p) => p.replace(/S-1-5-21-[\d-]+/, "{sid}")))))).toEqual(new Set(templates));
  });
});
