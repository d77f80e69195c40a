// Xfce: one user's effective xfce4-screensaver settings from the xfconf channel in the home directory over /etc/xdg, with its defaults and locks.
import type { UserScreenLock } from "./facts.js";
import type { Keyfile } from "./parse/dconf-keyfile.js";
import { xfconfBoolean, xfconfInteger, type XfconfChannel, type XfconfProperty } from "./parse/xfconf.js";

/** xfce4-screensaver's compiled-in defaults (src/gs-prefs.h); delays in minutes. */
export const XFCE4_SCREENSAVER_DEFAULTS = Object.freeze({
  "/saver/enabled": true,
  "/saver/idle-activation/enabled": true,
  "/saver/idle-activation/delay": 5,
  "/lock/enabled": true,
  "/lock/saver-activation/enabled": true,
  "/lock/saver-activation/delay": 0,
});
type Key = keyof typeof XFCE4_SCREENSAVER_DEFAULTS;

interface Effective<T> {
  value: T;
  locked: boolean;
  fromUser: boolean;
}

export interface XfceFiles {
  /** The user's xfce4-screensaver channel and where it is. */
  own?: XfconfChannel;
  userPath: string;
  /** The machine channel in /etc/xdg and where it is. */
  system?: XfconfChannel;
  systemPath: string;
  /** The user's autostart entry for xfce4-screensaver (a `Hidden=true` one switches it off) and where it is. */
  autostart?: Keyfile;
  autostartPath: string;
}

export function xfceScreenLock(user: string, files: XfceFiles): UserScreenLock {
  if (files.autostart?.get("Desktop Entry")?.get("Hidden")?.toLowerCase() === "true") {
    return {
      user,
      desktop: "xfce",
      idleSeconds: null,
      lockDelaySeconds: null,
      managed: false,
      detail: `xfce4-screensaver does not start: ${files.autostartPath} has Hidden=true`,
    };
  }
  const get = <T>(key: Key, read: (p: XfconfProperty | undefined, source: string, path: string) => T | undefined): Effective<T> =>
    effective(user, files, key, read, XFCE4_SCREENSAVER_DEFAULTS[key] as T);

  const saver = get("/saver/enabled", xfconfBoolean);
  const activation = get("/saver/idle-activation/enabled", xfconfBoolean);
  const idleMinutes = get("/saver/idle-activation/delay", xfconfInteger);
  const lockEnabled = get("/lock/enabled", xfconfBoolean);
  const lockOnSaver = get("/lock/saver-activation/enabled", xfconfBoolean);
  const lockMinutes = get("/lock/saver-activation/delay", xfconfInteger);

  // The idle timer only runs with the saver on and idle activation on; it locks only with both lock switches on.
  const idles = saver.value && activation.value && idleMinutes.value > 0;
  const locks = lockEnabled.value && lockOnSaver.value;
  const decisive = [saver, activation, idleMinutes, lockEnabled, lockOnSaver, lockMinutes];
  const describe = (key: Key, e: Effective<unknown>) =>
    `${key}=${String(e.value)}${e.fromUser ? "" : e.locked ? " (locked)" : " (default)"}`;
  return {
    user,
    desktop: "xfce",
    idleSeconds: idles ? idleMinutes.value * 60 : null,
    lockDelaySeconds: locks ? lockMinutes.value * 60 : null,
    managed: decisive.every((e) => e.locked),
    detail:
      `xfce4-screensaver: ${describe("/saver/idle-activation/delay", idleMinutes)} min, ${describe("/lock/saver-activation/delay", lockMinutes)} min` +
      [
        ["/saver/enabled", saver],
        ["/saver/idle-activation/enabled", activation],
        ["/lock/enabled", lockEnabled],
        ["/lock/saver-activation/enabled", lockOnSaver],
      ]
        .filter(([, e]) => (e as Effective<boolean>).value === false)
        .map(([key, e]) => `, ${describe(key as Key, e as Effective<boolean>)}`)
        .join(""),
  };
}

/** xfconf cascade: the system channel's values are defaults the user overrides, unless the channel or property is locked for this user. */
function effective<T>(
  user: string,
  files: XfceFiles,
  key: Key,
  read: (p: XfconfProperty | undefined, source: string, path: string) => T | undefined,
  fallback: T,
): Effective<T> {
  const system = files.system;
  const systemProperty = system?.properties.get(key);
  const systemValue = read(systemProperty, files.systemPath, key);
  const channelLocked = system !== undefined && appliesTo(system.locked, system.unlocked, user);
  const propertyLocked = systemProperty !== undefined && appliesTo(systemProperty.locked, systemProperty.unlocked, user);
  if (channelLocked || propertyLocked) return { value: systemValue ?? fallback, locked: true, fromUser: false };
  const ownValue = read(files.own?.properties.get(key), files.userPath, key);
  if (ownValue !== undefined) return { value: ownValue, locked: false, fromUser: true };
  return { value: systemValue ?? fallback, locked: false, fromUser: false };
}

/**
 * xfconf lock lists: ";"-separated user names and "@group"s; `unlocked` exempts those listed. Group
 * membership is not read here, so "@group" counts as covering the user (it only labels the setting as managed).
 */
function appliesTo(locked: string | undefined, unlocked: string | undefined, user: string): boolean {
  const list = (text: string | undefined) =>
    (text ?? "")
      .split(";")
      .map((t) => t.trim())
      .filter((t) => t !== "");
  const covers = (entries: string[]) => entries.some((e) => e === "*" || e === user || e.startsWith("@"));
  if (list(unlocked).length > 0) return !list(unlocked).some((e) => e === "*" || e === user);
  return covers(list(locked));
}
