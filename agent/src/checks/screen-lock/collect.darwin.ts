// screen-lock facts on macOS: the console user's screen saver, display sleep and password-on-wake, MDM profiles first.
import { SourceUnavailableError, readOptional, runOptional, runRequired, type CommandOutput, type CommandRunner } from "../../runner/runner.js";
import { ParseError } from "../../runner/parse-error.js";
import { decodeText } from "../../runner/decode.js";
import { decodePlist } from "../../platform/darwin/plist.js";
import { parseStatOwner } from "../../platform/darwin/stat.js";
import { reasonOf } from "../engine.js";
import { fillArgv, fillTemplate, type Collector, type SourceSpec } from "../types.js";
import { formatSeconds } from "./evaluate.js";
import type { ScreenLockFacts, UserScreenLock } from "./facts.js";
import { parseDefaultsRead } from "./parse/defaults.js";
import { screensaverSettings, type ScreensaverSettings } from "./parse/defaults-screensaver.js";
import { parsePmsetSections, pmsetInteger } from "./parse/pmset.js";
import { parsePmsetBatt } from "./parse/pmset-batt.js";
import { parseSysadminctlScreenLock } from "./parse/sysadminctl.js";

/**
 * "Start Screen Saver when inactive" on a Mac where nobody changed it: 20 minutes (the value the CIS
 * macOS benchmarks document as the default). An unset idleTime means this, not "never" and not 0.
 */
export const MACOS_DEFAULT_IDLE_SECONDS = 1200;

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
  { kind: "command", argv: CONSOLE_OWNER, what: "the user logged in at the console and their uid (root: the login window is showing)", optional: false },
  { kind: "command", argv: PMSET_CUSTOM, what: "display sleep (minutes) per power source", optional: false },
  { kind: "command", argv: PMSET_BATT, what: "the power source in use now (for the message only)", optional: true },
  { kind: "file", path: MANAGED_FOR_DEVICE, what: "screen saver settings an MDM profile fixes for every user", optional: true },
  { kind: "file", path: MANAGED_FOR_USER, what: "screen saver settings an MDM profile fixes for this user (wins over the device profile)", optional: true, perUser: true },
  { kind: "command", argv: SCREENSAVER_IDLE, what: "the user's screen saver start delay in seconds (not read when an MDM profile sets idleTime)", optional: false, perUser: true },
  { kind: "command", argv: SCREEN_LOCK_STATUS, what: "whether and how soon waking asks for the password (stderr; not read when MDM fixes both)", optional: false, perUser: true },
];

/** A value and who decided it, for `managed` and the message. */
export interface Decided<T> {
  value: T;
  origin: string;
  managed: boolean;
}

export interface DisplaySleep {
  /** "AC Power", "Battery Power", … */
  powerSource: string;
  /** Seconds; null = never. */
  seconds: number | null;
}

export const collectScreenLockDarwin: Collector<ScreenLockFacts> = {
  sources: SOURCES,
  async collect(runner) {
    const consoleOut = await runRequired(runner, CONSOLE_OWNER);
    if (consoleOut.exitCode !== 0) throw new SourceUnavailableError(CONSOLE_OWNER.join(" "), firstLine(consoleOut) || `exit code ${consoleOut.exitCode}`);
    const owner = parseStatOwner(decodeText(consoleOut.stdout), CONSOLE_OWNER.join(" "));
    if (owner.uid === undefined) throw new ParseError(CONSOLE_OWNER.join(" "), "no uid after the user name");
    if (NO_DESKTOP_USERS.has(owner.user)) {
      return { users: [], unreadable: [], noSession: `nobody is logged in at the console (it belongs to ${owner.user}: the login window is showing)` };
    }
    // Other fast-user-switching sessions sit behind the login window and need their password to come back: only the console user can be idle unlocked.
    const displaySleep = await readDisplaySleep(runner);
    const nowOn = await readPowerSource(runner);
    const deviceProfile = await readManaged(runner, MANAGED_FOR_DEVICE, "MDM profile (all users)");
    const values = { user: owner.user, uid: String(owner.uid) };
    try {
      const userProfile = await readManaged(runner, fillTemplate(MANAGED_FOR_USER, values), `MDM profile for ${owner.user}`);
      const managed = mergeManaged(userProfile, deviceProfile);
      const idle = managed.idleTime ?? (await readUserIdleTime(runner, values));
      const lock = await readLockDelay(runner, values, managed);
      return { users: [combine(owner.user, idle, lock, displaySleep, nowOn)], unreadable: [] };
    } catch (error) {
      return { users: [], unreadable: [{ user: owner.user, reason: reasonOf(error) }] };
    }
  },
};

type ManagedSettings = { [K in keyof ScreensaverSettings]?: Decided<NonNullable<ScreensaverSettings[K]>> };

async function readManaged(runner: CommandRunner, path: string, origin: string): Promise<ManagedSettings> {
  const bytes = await readOptional(runner, path);
  if (bytes === undefined) return {};
  const settings = screensaverSettings(decodePlist(bytes, path));
  const managed: ManagedSettings = {};
  if (settings.idleTime !== undefined) managed.idleTime = { value: settings.idleTime, origin: `${origin}: idleTime`, managed: true };
  if (settings.askForPassword !== undefined) managed.askForPassword = { value: settings.askForPassword, origin: `${origin}: askForPassword`, managed: true };
  if (settings.askForPasswordDelay !== undefined) managed.askForPasswordDelay = { value: settings.askForPasswordDelay, origin: `${origin}: askForPasswordDelay`, managed: true };
  return managed;
}

/** A key the user's own profile sets wins over the same key in the device profile. */
function mergeManaged(user: ManagedSettings, device: ManagedSettings): ManagedSettings {
  return { ...device, ...user };
}

async function readUserIdleTime(runner: CommandRunner, values: Record<string, string>): Promise<Decided<number>> {
  const argv = fillArgv(SCREENSAVER_IDLE, values);
  const out = await runRequired(runner, argv);
  const read = parseDefaultsRead(decodeText(out.stdout), decodeText(out.stderr), argv.join(" "));
  if (read.kind === "unset") {
    return { value: MACOS_DEFAULT_IDLE_SECONDS, origin: `macOS default, idleTime not set`, managed: false };
  }
  const seconds = typeof read.value === "string" && /^\d+(\.\d+)?$/.test(read.value.trim()) ? Math.round(Number(read.value)) : undefined;
  if (seconds === undefined) throw new ParseError(argv.join(" "), `idleTime is not a number of seconds: ${JSON.stringify(read.value).slice(0, 40)}`);
  return { value: seconds, origin: "user setting, defaults -currentHost com.apple.screensaver idleTime", managed: false };
}

/** Seconds until the password is asked once the screen saver or display sleep starts; null = never asked. */
async function readLockDelay(runner: CommandRunner, values: Record<string, string>, managed: ManagedSettings): Promise<Decided<number | null>> {
  const ask = managed.askForPassword;
  const delay = managed.askForPasswordDelay;
  if (ask !== undefined && !ask.value) return { value: null, origin: ask.origin, managed: true };
  if (ask !== undefined && delay !== undefined) return { value: delay.value, origin: `${ask.origin}, ${delay.origin}`, managed: true };
  const argv = fillArgv(SCREEN_LOCK_STATUS, values);
  const out = await runRequired(runner, argv);
  // sysadminctl answers on stderr; read both streams so that a runner capturing one of them still works.
  const status = parseSysadminctlScreenLock(`${decodeText(out.stderr)}\n${decodeText(out.stdout)}`, argv.join(" "));
  const required = ask?.value ?? status !== null;
  if (!required) return { value: null, origin: "user setting, sysadminctl -screenLock", managed: false };
  if (delay !== undefined) return { value: delay.value, origin: delay.origin, managed: true };
  if (ask !== undefined) return { value: status ?? 0, origin: `${ask.origin}, delay from sysadminctl -screenLock`, managed: true };
  return { value: status ?? 0, origin: "user setting, sysadminctl -screenLock", managed: false };
}

async function readDisplaySleep(runner: CommandRunner): Promise<DisplaySleep[]> {
  const out = await runRequired(runner, PMSET_CUSTOM);
  const sections = parsePmsetSections(decodeText(out.stdout), PMSET_CUSTOM.join(" "));
  const profiles: DisplaySleep[] = [];
  for (const section of sections) {
    const minutes = pmsetInteger(section, "displaysleep");
    if (minutes !== undefined) profiles.push({ powerSource: section.name, seconds: minutes > 0 ? minutes * 60 : null });
  }
  if (profiles.length === 0) throw new ParseError(PMSET_CUSTOM.join(" "), "no power profile has a displaysleep setting");
  return profiles;
}

async function readPowerSource(runner: CommandRunner): Promise<string | undefined> {
  const out = await runOptional(runner, PMSET_BATT);
  if (out === undefined || out.exitCode !== 0) return undefined;
  try {
    return parsePmsetBatt(decodeText(out.stdout), PMSET_BATT.join(" ")).powerSource;
  } catch {
    return undefined; // only used in the message
  }
}

/**
 * The screen locks at the earliest of screen saver start and display sleep. A laptop moves between
 * power sources, so the verdict uses the slowest profile: a Mac that locks late on AC power breaks
 * the policy whenever it is plugged in, whatever it is drawing from right now.
 */
export function combine(user: string, idle: Decided<number>, lock: Decided<number | null>, displaySleep: readonly DisplaySleep[], nowOn?: string): UserScreenLock {
  const screensaver = idle.value > 0 ? idle.value : null;
  const perSource = displaySleep.map((d) => earliest(screensaver, d.seconds));
  const idleSeconds = perSource.includes(null) ? null : Math.max(...(perSource as number[]));
  const sleepText = displaySleep.map((d) => `${d.seconds === null ? "never" : formatSeconds(d.seconds)} on ${d.powerSource}`).join(", ");
  const lockText = lock.value === null ? "no password on wake" : lock.value === 0 ? "password at once" : `password after ${formatSeconds(lock.value)}`;
  const detail = [
    `screen saver ${screensaver === null ? "never" : `after ${formatSeconds(screensaver)}`} (${idle.origin})`,
    `display sleep ${sleepText} (pmset${nowOn !== undefined ? `; now on ${nowOn}` : ""})`,
    `${lockText} (${lock.origin})`,
  ].join("; ");
  return { user, desktop: "macos", idleSeconds, lockDelaySeconds: lock.value, managed: idle.managed || lock.managed, detail };
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function firstLine(out: CommandOutput): string {
  return decodeText(out.stderr).split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
}
