// macOS: the console user's idle-to-lock from MDM profiles, their own settings and pmset's display sleep, each with who decided it.
import { formatSeconds } from "./evaluate.js";
import type { UserScreenLock } from "./facts.js";
import type { DefaultsRead } from "./parse/defaults.js";
import type { ScreensaverSettings } from "./parse/defaults-screensaver.js";
import { pmsetInteger, type PmsetSection } from "./parse/pmset.js";
import { ParseError } from "../../runner/parse-error.js";

/**
 * "Start Screen Saver when inactive" on a Mac where nobody changed it: 20 minutes (the value the CIS
 * macOS benchmarks document as the default). An unset idleTime means this, not "never" and not 0.
 */
export const MACOS_DEFAULT_IDLE_SECONDS = 1200;

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

export type ManagedSettings = { [K in keyof ScreensaverSettings]?: Decided<NonNullable<ScreensaverSettings[K]>> };

/** The keys an MDM profile sets, each naming the profile that set it. */
export function managedSettings(settings: ScreensaverSettings, origin: string): ManagedSettings {
  const managed: ManagedSettings = {};
  if (settings.idleTime !== undefined) managed.idleTime = { value: settings.idleTime, origin: `${origin}: idleTime`, managed: true };
  if (settings.askForPassword !== undefined)
    managed.askForPassword = { value: settings.askForPassword, origin: `${origin}: askForPassword`, managed: true };
  if (settings.askForPasswordDelay !== undefined)
    managed.askForPasswordDelay = { value: settings.askForPasswordDelay, origin: `${origin}: askForPasswordDelay`, managed: true };
  return managed;
}

/** A key the user's own profile sets wins over the same key in the device profile. */
export function mergeManaged(user: ManagedSettings, device: ManagedSettings): ManagedSettings {
  return { ...device, ...user };
}

/** The user's own idleTime (`defaults -currentHost read`); unset means the macOS default, not "never". */
export function userIdleTime(read: DefaultsRead, source: string): Decided<number> {
  if (read.kind === "unset") return { value: MACOS_DEFAULT_IDLE_SECONDS, origin: `macOS default, idleTime not set`, managed: false };
  const seconds = typeof read.value === "string" && /^\d+(\.\d+)?$/.test(read.value.trim()) ? Math.round(Number(read.value)) : undefined;
  if (seconds === undefined)
    throw new ParseError(source, `idleTime is not a number of seconds: ${JSON.stringify(read.value).slice(0, 40)}`);
  return { value: seconds, origin: "user setting, defaults -currentHost com.apple.screensaver idleTime", managed: false };
}

/** The password delay when MDM profiles decide it alone (sysadminctl need not be asked); undefined otherwise. */
export function managedLockDelay(managed: ManagedSettings): Decided<number | null> | undefined {
  const ask = managed.askForPassword;
  const delay = managed.askForPasswordDelay;
  if (ask !== undefined && !ask.value) return { value: null, origin: ask.origin, managed: true };
  if (ask !== undefined && delay !== undefined) return { value: delay.value, origin: `${ask.origin}, ${delay.origin}`, managed: true };
  return undefined;
}

/**
 * Seconds until the password is asked once the screen saver or display sleep starts (null = never), from
 * `sysadminctl -screenLock status` (null: off) and what MDM profiles set.
 */
export function lockDelay(managed: ManagedSettings, status: number | null): Decided<number | null> {
  const ask = managed.askForPassword;
  const delay = managed.askForPasswordDelay;
  const required = ask?.value ?? status !== null;
  if (!required) return { value: null, origin: "user setting, sysadminctl -screenLock", managed: false };
  if (delay !== undefined) return { value: delay.value, origin: delay.origin, managed: true };
  if (ask !== undefined) return { value: status ?? 0, origin: `${ask.origin}, delay from sysadminctl -screenLock`, managed: true };
  return { value: status ?? 0, origin: "user setting, sysadminctl -screenLock", managed: false };
}

/** Display sleep per power profile of `pmset -g custom`. */
export function displaySleep(sections: readonly PmsetSection[], source: string): DisplaySleep[] {
  const profiles: DisplaySleep[] = [];
  for (const section of sections) {
    const minutes = pmsetInteger(section, "displaysleep");
    if (minutes !== undefined) profiles.push({ powerSource: section.name, seconds: minutes > 0 ? minutes * 60 : null });
  }
  if (profiles.length === 0) throw new ParseError(source, "no power profile has a displaysleep setting");
  return profiles;
}

/**
 * The screen locks at the earliest of screen saver start and display sleep. A laptop moves between
 * power sources, so the verdict uses the slowest profile: a Mac that locks late on AC power breaks
 * the policy whenever it is plugged in, whatever it is drawing from right now.
 */
export function combine(
  user: string,
  idle: Decided<number>,
  lock: Decided<number | null>,
  displaySleep: readonly DisplaySleep[],
  nowOn?: string,
): UserScreenLock {
  const screensaver = idle.value > 0 ? idle.value : null;
  const perSource = displaySleep.map((d) => earliest(screensaver, d.seconds));
  const idleSeconds = perSource.includes(null) ? null : Math.max(...(perSource as number[]));
  const sleepText = displaySleep.map((d) => `${d.seconds === null ? "never" : formatSeconds(d.seconds)} on ${d.powerSource}`).join(", ");
  const lockText =
    lock.value === null ? "no password on wake" : lock.value === 0 ? "password at once" : `password after ${formatSeconds(lock.value)}`;
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
