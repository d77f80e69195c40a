// Xfce users: xfce4-screensaver's xfconf channel from the home directory over /etc/xdg, with its defaults and locks.
import type { CommandRunner } from "../../../runner/runner.js";
import { fillTemplate } from "../../types.js";
import type { UserScreenLock } from "../facts.js";
import { parseKeyfile } from "../parse/dconf-keyfile.js";
import { parseXfconfChannel, xfconfBoolean, xfconfInteger, type XfconfChannel, type XfconfProperty } from "../parse/xfconf.js";
import { readText, UnreadableSettings } from "./read.js";
import { XFCE_SYSTEM_AUTOSTART, XFCE_SYSTEM_FILE, XFCE_USER_AUTOSTART, XFCE_USER_FILE } from "./sources.js";

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

export async function readXfceUser(runner: CommandRunner, user: string, home: string, whenUnknown: () => Promise<string>): Promise<UserScreenLock> {
  const userPath = fillTemplate(XFCE_USER_FILE, { home });
  const userText = await readText(runner, userPath);
  const systemText = await readText(runner, XFCE_SYSTEM_FILE);
  const autostartPath = fillTemplate(XFCE_USER_AUTOSTART, { home });
  const autostartText = await readText(runner, autostartPath);
  if (userText === undefined && systemText === undefined && (await readText(runner, XFCE_SYSTEM_AUTOSTART)) === undefined) {
    // Xfce also ships with light-locker or xscreensaver: without any trace of xfce4-screensaver the locker is unknown.
    throw new UnreadableSettings(
      `Xfce session without xfce4-screensaver settings (${userPath}, ${XFCE_SYSTEM_FILE}) or autostart entry (${XFCE_SYSTEM_AUTOSTART}): its screen locker is unknown${await whenUnknown()}`,
    );
  }
  if (autostartText !== undefined && hiddenAutostart(autostartText, autostartPath)) {
    return {
      user,
      desktop: "xfce",
      idleSeconds: null,
      lockDelaySeconds: null,
      managed: false,
      detail: `xfce4-screensaver does not start: ${autostartPath} has Hidden=true`,
    };
  }
  const own = userText === undefined ? undefined : parseXfconfChannel(userText, userPath);
  const system = systemText === undefined ? undefined : parseXfconfChannel(systemText, XFCE_SYSTEM_FILE);
  const get = <T>(key: Key, read: (p: XfconfProperty | undefined, source: string, path: string) => T | undefined): Effective<T> =>
    effective(user, own, system, key, read, XFCE4_SCREENSAVER_DEFAULTS[key] as T, userPath);

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
  const describe = (key: Key, e: Effective<unknown>) => `${key}=${String(e.value)}${e.fromUser ? "" : e.locked ? " (locked)" : " (default)"}`;
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
  own: XfconfChannel | undefined,
  system: XfconfChannel | undefined,
  key: Key,
  read: (p: XfconfProperty | undefined, source: string, path: string) => T | undefined,
  fallback: T,
  userPath: string,
): Effective<T> {
  const systemProperty = system?.properties.get(key);
  const systemValue = read(systemProperty, XFCE_SYSTEM_FILE, key);
  const channelLocked = system !== undefined && appliesTo(system.locked, system.unlocked, user);
  const propertyLocked = systemProperty !== undefined && appliesTo(systemProperty.locked, systemProperty.unlocked, user);
  if (channelLocked || propertyLocked) return { value: systemValue ?? fallback, locked: true, fromUser: false };
  const ownValue = read(own?.properties.get(key), userPath, key);
  if (ownValue !== undefined) return { value: ownValue, locked: false, fromUser: true };
  return { value: systemValue ?? fallback, locked: false, fromUser: false };
}

/**
 * xfconf lock lists: ";"-separated user names and "@group"s; `unlocked` exempts those listed. Group
 * membership is not read here, so "@group" counts as covering the user (it only labels the setting as managed).
 */
function appliesTo(locked: string | undefined, unlocked: string | undefined, user: string): boolean {
  const list = (text: string | undefined) => (text ?? "").split(";").map((t) => t.trim()).filter((t) => t !== "");
  const covers = (entries: string[]) => entries.some((e) => e === "*" || e === user || e.startsWith("@"));
  if (list(unlocked).length > 0) return !list(unlocked).some((e) => e === "*" || e === user);
  return covers(list(locked));
}

function hiddenAutostart(text: string, path: string): boolean {
  const entry = parseKeyfile(text, path).get("Desktop Entry");
  return entry?.get("Hidden")?.toLowerCase() === "true";
}
