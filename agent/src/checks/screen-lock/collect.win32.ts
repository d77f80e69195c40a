// screen-lock facts on win32: which queries (every signed-in user's screen-saver keys and their policy twin, display-off and wake-lock power settings, the machine inactivity limit) and which parser reads each; merge.win32.ts decides.
import { required, runCommand } from "../../runner/read-source.js";
import { NotRecordedError, SourceUnavailableError, type CommandRunner } from "../../runner/runner.js";
import { ParseError } from "../../runner/parse-error.js";
import { interpretRegQuery, regSource } from "../../platform/win32/reg-result.js";
import { LOADED_HIVES_ARGV, readLoadedUserHives } from "../../platform/win32/user-hives.js";
import { decodeWindowsOutput } from "../../platform/win32/windows-text.js";
import { fillArgv, type Collector, type SourceSpec } from "../types.js";
import type { ScreenLockFacts, UserScreenLock } from "./facts.js";
import { CONSOLELOCK_GUID, VIDEOIDLE_GUID, parsePowercfgSetting, type PowerSettingValue } from "./parse/powercfg.js";
import { parseScreenSaverSettings, type ScreenSaverSettings } from "./parse/reg-desktop.js";
import { parseInactivityTimeout } from "./parse/reg-policies-system.js";
import { parseVolatileEnvironment } from "./parse/reg-volatile-environment.js";
import { effectiveWindowsLock } from "./merge.win32.js";

export const WIN32_VOLATILE_ENVIRONMENT = ["reg", "query", "HKU\\{sid}\\Volatile Environment"] as const;
export const WIN32_USER_DESKTOP = ["reg", "query", "HKU\\{sid}\\Control Panel\\Desktop"] as const;
export const WIN32_POLICY_DESKTOP = ["reg", "query", "HKU\\{sid}\\Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop"] as const;
export const WIN32_MACHINE_POLICY = ["reg", "query", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System"] as const;
export const WIN32_VIDEOIDLE = ["powercfg", "/q", "SCHEME_CURRENT", "SUB_VIDEO", "VIDEOIDLE"] as const;
export const WIN32_CONSOLELOCK = ["powercfg", "/q", "SCHEME_CURRENT", "SUB_NONE", "CONSOLELOCK"] as const;

const sources: readonly SourceSpec[] = [
  { kind: "command", argv: LOADED_HIVES_ARGV, what: "loaded registry hives: the user SIDs signed in", optional: false },
  {
    kind: "command",
    argv: WIN32_VOLATILE_ENVIRONMENT,
    what: "whether the hive belongs to an interactive session, and its DOMAIN\\user",
    optional: true,
    perUser: true,
  },
  { kind: "command", argv: WIN32_MACHINE_POLICY, what: "InactivityTimeoutSecs: the machine inactivity limit", optional: false },
  { kind: "command", argv: WIN32_VIDEOIDLE, what: "turn off display after (seconds, AC and DC)", optional: false },
  { kind: "command", argv: WIN32_CONSOLELOCK, what: "require a password on wake (AC and DC)", optional: false },
  {
    kind: "command",
    argv: WIN32_USER_DESKTOP,
    what: "the user's screen saver: ScreenSaveActive, ScreenSaveTimeOut, ScreenSaverIsSecure, SCRNSAVE.EXE",
    optional: false,
    perUser: true,
  },
  {
    kind: "command",
    argv: WIN32_POLICY_DESKTOP,
    what: "Group Policy screen-saver values that override the user's (absent key = none)",
    optional: false,
    perUser: true,
  },
];

export const collectScreenLockWin32: Collector<ScreenLockFacts> = {
  sources,
  async collect(runner: CommandRunner): Promise<ScreenLockFacts> {
    const sids = await readLoadedUserHives(runner);
    const sessions: { sid: string; user: string }[] = [];
    for (const sid of sids) {
      const account = await interactiveSession(runner, sid);
      if (account !== null) sessions.push({ sid, user: account ?? sid });
    }
    if (sessions.length === 0) {
      const noSession =
        sids.length === 0
          ? "no user is signed in (no user hive is loaded under HKEY_USERS)"
          : "no user has an interactive desktop session (the loaded user hives have no Volatile Environment)";
      return { users: [], unreadable: [], noSession };
    }

    // Machine-wide: read once, they apply to every session.
    const machine = {
      inactivityTimeoutSeconds: await machineInactivityLimit(runner),
      displayOff: await powerSetting(runner, WIN32_VIDEOIDLE, VIDEOIDLE_GUID),
      consoleLock: await powerSetting(runner, WIN32_CONSOLELOCK, CONSOLELOCK_GUID),
    };

    const facts: ScreenLockFacts = { users: [], unreadable: [] };
    for (const { sid, user } of sessions) {
      try {
        facts.users.push(await readUser(runner, sid, user, machine));
      } catch (error) {
        facts.unreadable.push({ user, reason: readableReason(error) });
      }
    }
    return facts;
  },
};

async function readUser(
  runner: CommandRunner,
  sid: string,
  user: string,
  machine: { displayOff?: PowerSettingValue; consoleLock?: PowerSettingValue; inactivityTimeoutSeconds?: number },
): Promise<UserScreenLock> {
  const userDesktop = await desktopKey(runner, fillArgv(WIN32_USER_DESKTOP, { sid }));
  const policyDesktop = await desktopKey(runner, fillArgv(WIN32_POLICY_DESKTOP, { sid }));
  return effectiveWindowsLock({ user, userDesktop, policyDesktop, ...definedOnly(machine) });
}

/** A DOMAIN\user name when the hive has an interactive session; null when it has none; undefined when that cannot be told (then the hive counts as a session). */
async function interactiveSession(runner: CommandRunner, sid: string): Promise<string | null | undefined> {
  const argv = fillArgv(WIN32_VOLATILE_ENVIRONMENT, { sid });
  const out = await runCommand(runner, argv, { label: regSource(argv) });
  if (!out.ok) return undefined;
  try {
    const result = interpretRegQuery(out.value, out.what);
    if (!result.found) return null;
    return parseVolatileEnvironment(result.keys)?.account;
  } catch (error) {
    if (error instanceof ParseError || error instanceof SourceUnavailableError) return undefined;
    throw error;
  }
}

async function desktopKey(runner: CommandRunner, argv: string[]): Promise<ScreenSaverSettings> {
  const source = regSource(argv);
  const result = interpretRegQuery(required(await runCommand(runner, argv, { label: source })), source);
  return result.found ? parseScreenSaverSettings(result.keys, source) : {};
}

async function machineInactivityLimit(runner: CommandRunner): Promise<number | undefined> {
  const source = regSource(WIN32_MACHINE_POLICY);
  const out = required(await runCommand(runner, WIN32_MACHINE_POLICY, { label: source }));
  // Not zero: the key is missing (no limit) or unreadable (interpretRegQuery throws for that).
  if (out.exitCode !== 0 && !interpretRegQuery(out, source).found) return undefined;
  return parseInactivityTimeout(decodeWindowsOutput(out.stdout), source);
}

/** A power setting's AC/DC values; a failing query (hidden or unknown setting) means "not set". */
async function powerSetting(runner: CommandRunner, argv: readonly string[], guid: string): Promise<PowerSettingValue | undefined> {
  const out = required(await runCommand(runner, argv));
  if (out.exitCode !== 0) return undefined;
  return parsePowercfgSetting(decodeWindowsOutput(out.stdout), guid, argv.join(" "));
}

function readableReason(error: unknown): string {
  if (error instanceof ParseError || error instanceof NotRecordedError || error instanceof SourceUnavailableError) return error.message;
  throw error;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
