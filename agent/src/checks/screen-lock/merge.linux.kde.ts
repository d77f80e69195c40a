// KDE Plasma: one user's effective screen-lock settings from kscreenlockerrc in the home directory over /etc/xdg, with KDE's defaults and kiosk locks.
import type { UserScreenLock } from "./facts.js";
import {
  daemonGroupImmutable,
  KSCREENLOCKER_DEFAULTS,
  kscreenlockerDaemon,
  type KConfigFile,
  type KScreenLockerDaemon,
  type KSetting,
} from "./parse/kscreenlockerrc.js";

interface Effective<T> {
  value: T;
  locked: boolean;
  from: "user" | "system" | "default";
}

export interface KdeFiles {
  /** The user's kscreenlockerrc, when they have one. */
  user?: KConfigFile;
  /** /etc/xdg/kscreenlockerrc, when the machine has one. */
  system?: KConfigFile;
  /** Where the system file is, for the message. */
  systemPath: string;
}

export function kdeScreenLock(user: string, files: KdeFiles): UserScreenLock {
  const userFile = files.user;
  const systemFile = files.system;
  const autolock = effective(userFile, systemFile, (d) => d.autolock, KSCREENLOCKER_DEFAULTS.autolock);
  const timeout = effective(userFile, systemFile, (d) => d.timeoutMinutes, KSCREENLOCKER_DEFAULTS.timeoutMinutes);
  const grace = effective(userFile, systemFile, (d) => d.lockGraceSeconds, KSCREENLOCKER_DEFAULTS.lockGraceSeconds);

  const origin = (e: Effective<unknown>) =>
    e.from === "default" ? " (KDE default)" : e.from === "system" ? ` (${files.systemPath}${e.locked ? ", locked" : ""})` : "";
  return {
    user,
    desktop: "kde",
    // ksmserver's locker arms its idle timer only when Autolock is on and Timeout is positive.
    idleSeconds: autolock.value && timeout.value > 0 ? timeout.value * 60 : null,
    // During LockGrace seconds after locking, a key press unlocks without a password.
    lockDelaySeconds: Math.max(0, grace.value),
    managed: autolock.locked && timeout.locked && grace.locked,
    detail:
      `kscreenlockerrc [Daemon] Autolock=${autolock.value}${origin(autolock)}, Timeout=${timeout.value} min${origin(timeout)}, ` +
      `LockGrace=${grace.value} s${origin(grace)}`,
  };
}

/** KConfig cascade: the user's file overrides /etc/xdg unless the system file marks the key, group or file immutable. */
function effective<T>(
  userFile: KConfigFile | undefined,
  systemFile: KConfigFile | undefined,
  pick: (daemon: KScreenLockerDaemon) => KSetting<T> | undefined,
  fallback: T,
): Effective<T> {
  const system = systemFile === undefined ? undefined : pick(kscreenlockerDaemon(systemFile));
  const systemLocks = systemFile !== undefined && (daemonGroupImmutable(systemFile) || system?.immutable === true);
  if (systemLocks) return { value: system?.value ?? fallback, locked: true, from: system === undefined ? "default" : "system" };
  const own = userFile === undefined ? undefined : pick(kscreenlockerDaemon(userFile));
  if (own !== undefined) return { value: own.value, locked: false, from: "user" };
  if (system !== undefined) return { value: system.value, locked: false, from: "system" };
  return { value: fallback, locked: false, from: "default" };
}
