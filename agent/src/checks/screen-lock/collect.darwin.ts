// screen-lock facts on macOS: which commands and files (the console owner, pmset, MDM profiles first, then the user's own settings) and which parser reads each.
import { decodePlist } from "../../platform/darwin/plist.js";
import { parseStatOwner } from "../../platform/darwin/stat.js";
import { ParseError } from "../../runner/parse-error.js";
import { fileBytes, outputText, readCommand, required, runCommand, valueOr } from "../../runner/read-source.js";
import { SourceUnavailableError, type CommandRunner } from "../../runner/runner.js";
import { reasonOf } from "../engine.js";
import { fillArgv, fillTemplate, type Collector, type SourceSpec } from "../types.js";
import type { ScreenLockFacts } from "./facts.js";
import {
  combine,
  displaySleep,
  lockDelay,
  managedLockDelay,
  managedSettings,
  mergeManaged,
  userIdleTime,
  type Decided,
  type ManagedSettings,
} from "./merge.darwin.js";
import { parseDefaultsRead } from "./parse/defaults.js";
import { screensaverSettings } from "./parse/defaults-screensaver.js";
import { parsePmsetSections } from "./parse/pmset.js";
import { parsePmsetBatt } from "./parse/pmset-batt.js";
import { parseSysadminctlScreenLock } from "./parse/sysadminctl.js";

const CONSOLE_OWNER = ["stat", "-f", "%Su %u", "/dev/console"];
/** Per-user settings live in the user's preferences and login session: read them as that user, in that session. */
const AS_USER = ["launchctl", "asuser", "{uid}", "sudo", "-n", "-u", "{user}"];
const SCREENSAVER_IDLE = [...AS_USER, "defaults", "-currentHost", "read", "com.apple.screensaver", "idleTime"];
const SCREEN_LOCK_STATUS = [...AS_USER, "sysadminctl", "-screenLock", "status"];
const MANAGED_FOR_USER = "/Library/Managed Preferences/{user}/com.apple.screensaver.plist";
const MANAGED_FOR_DEVICE = "/Library/Managed Preferences/com.apple.screensaver.plist";
const PMSET_CUSTOM = ["pmset", "-g", "custom"];
const PMSET_BATT = ["pmset", "-g", "batt"];

/** Owners of /dev/console that mean nobody is at the desktop: the login window, Setup Assistant. */
const NO_DESKTOP_USERS = new Set(["root", "loginwindow", "_mbsetupuser"]);

const SOURCES: readonly SourceSpec[] = [
  {
    kind: "command",
    argv: CONSOLE_OWNER,
    what: "the user logged in at the console and their uid (root: the login window is showing)",
    optional: false,
  },
  { kind: "command", argv: PMSET_CUSTOM, what: "display sleep (minutes) per power source", optional: false },
  { kind: "command", argv: PMSET_BATT, what: "the power source in use now (for the message only)", optional: true },
  { kind: "file", path: MANAGED_FOR_DEVICE, what: "screen saver settings an MDM profile fixes for every user", optional: true },
  {
    kind: "file",
    path: MANAGED_FOR_USER,
    what: "screen saver settings an MDM profile fixes for this user (wins over the device profile)",
    optional: true,
    perUser: true,
  },
  {
    kind: "command",
    argv: SCREENSAVER_IDLE,
    what: "the user's screen saver start delay in seconds (not read when an MDM profile sets idleTime)",
    optional: false,
    perUser: true,
  },
  {
    kind: "command",
    argv: SCREEN_LOCK_STATUS,
    what: "whether and how soon waking asks for the password (stderr; not read when MDM fixes both)",
    optional: false,
    perUser: true,
  },
];

export const collectScreenLockDarwin: Collector<ScreenLockFacts> = {
  sources: SOURCES,
  async collect(runner) {
    const owner = required(await readCommand(runner, [CONSOLE_OWNER], parseStatOwner));
    if (owner.uid === undefined) throw new ParseError(CONSOLE_OWNER.join(" "), "no uid after the user name");
    if (NO_DESKTOP_USERS.has(owner.user)) {
      return {
        users: [],
        unreadable: [],
        noSession: `nobody is logged in at the console (it belongs to ${owner.user}: the login window is showing)`,
      };
    }
    // Other fast-user-switching sessions sit behind the login window and need their password to come back: only the console user can be idle unlocked.
    const sleep = required(
      await readCommand(runner, [PMSET_CUSTOM], (text, source) => displaySleep(parsePmsetSections(text, source), source)),
    );
    // The power source in use is only named in the message: nothing (or nonsense) from pmset -g batt changes no verdict.
    const nowOn = valueOr(await readCommand(runner, [PMSET_BATT], parsePmsetBatt, { parseErrors: "unread" }))?.powerSource;
    const deviceProfile = await readManaged(runner, MANAGED_FOR_DEVICE, "MDM profile (all users)");
    const values = { user: owner.user, uid: String(owner.uid) };
    try {
      const userProfile = await readManaged(runner, fillTemplate(MANAGED_FOR_USER, values), `MDM profile for ${owner.user}`);
      const managed = mergeManaged(userProfile, deviceProfile);
      const idle = managed.idleTime ?? (await readUserIdleTime(runner, values));
      const lock = managedLockDelay(managed) ?? (await readLockDelay(runner, values, managed));
      return { users: [combine(owner.user, idle, lock, sleep, nowOn)], unreadable: [] };
    } catch (error) {
      return { users: [], unreadable: [{ user: owner.user, reason: reasonOf(error) }] };
    }
  },
};

async function readManaged(runner: CommandRunner, path: string, origin: string): Promise<ManagedSettings> {
  const file = await fileBytes(runner, path);
  if (file.ok) return managedSettings(screensaverSettings(decodePlist(file.value, path)), origin);
  // No profile is the common case; a profile the agent may not read could decide the verdict.
  if (file.absent) return {};
  throw new SourceUnavailableError(file.what, file.reason);
}

async function readUserIdleTime(runner: CommandRunner, values: Record<string, string>): Promise<Decided<number>> {
  const argv = fillArgv(SCREENSAVER_IDLE, values);
  // `defaults read` of an unset key exits 1 with "does not exist": that is an answer.
  const out = required(await runCommand(runner, argv));
  const source = argv.join(" ");
  return userIdleTime(parseDefaultsRead(outputText(runner.platform, out.stdout), outputText(runner.platform, out.stderr), source), source);
}

async function readLockDelay(
  runner: CommandRunner,
  values: Record<string, string>,
  managed: ManagedSettings,
): Promise<Decided<number | null>> {
  const argv = fillArgv(SCREEN_LOCK_STATUS, values);
  const out = required(await runCommand(runner, argv));
  // sysadminctl answers on stderr; read both streams so that a runner capturing one of them still works.
  const status = parseSysadminctlScreenLock(
    `${outputText(runner.platform, out.stderr)}\n${outputText(runner.platform, out.stdout)}`,
    argv.join(" "),
  );
  return lockDelay(managed, status);
}
