// Windows' effective idle-to-lock for one user: screen saver, display off with console lock, machine inactivity limit.
import type { UserScreenLock } from "./facts.js";
import type { PowerSettingValue } from "./parse/powercfg.js";
import type { ScreenSaverSettings } from "./parse/reg-desktop.js";

export interface WindowsLockInputs {
  /** Display name of the user (DOMAIN\user, else the SID). */
  user: string;
  /** HKU\<sid>\Control Panel\Desktop. */
  userDesktop: ScreenSaverSettings;
  /** HKU\<sid>\Software\Policies\Microsoft\Windows\Control Panel\Desktop: Group Policy wins over the user. */
  policyDesktop: ScreenSaverSettings;
  /** VIDEOIDLE seconds; undefined = not set (the display never turns off). */
  displayOff?: PowerSettingValue;
  /** CONSOLELOCK; undefined = not set (no password on wake). */
  consoleLock?: PowerSettingValue;
  /** InactivityTimeoutSecs; undefined = no machine limit. */
  inactivityTimeoutSeconds?: number;
}

/**
 * Idle-to-lock is the earliest of: the screen saver's timeout when it runs and is secure; the
 * display-off timeout when a password is required on wake; the machine inactivity limit. Power
 * settings count at their worst of AC and DC, because a laptop lives on both. The first of
 * blank/lock is `idleSeconds`; the time from there to the lock is `lockDelaySeconds`, so that a
 * screen that blanks at 5 min but locks at 20 reads as "idle after 300 s, password after a further 900 s".
 */
export function effectiveWindowsLock(inputs: WindowsLockInputs): UserScreenLock {
  const saver = mergeDesktop(inputs.userDesktop, inputs.policyDesktop);
  const saverRuns = saver.active !== false && saver.executable !== undefined && (saver.timeoutSeconds ?? 0) > 0;
  const saverSeconds = saverRuns ? (saver.timeoutSeconds as number) : undefined;
  const saverLocks = saverRuns && saver.secure === true;
  const displayOff = worstTimeout(inputs.displayOff);
  const consoleLockOn = inputs.consoleLock !== undefined && inputs.consoleLock.ac !== 0 && inputs.consoleLock.dc !== 0;
  const machineLimit =
    inputs.inactivityTimeoutSeconds !== undefined && inputs.inactivityTimeoutSeconds > 0 ? inputs.inactivityTimeoutSeconds : undefined;

  const locks = [saverLocks ? saverSeconds : undefined, consoleLockOn ? displayOff : undefined, machineLimit].filter(isNumber);
  const blanks = [saverSeconds, displayOff, ...locks].filter(isNumber);
  const firstLock = locks.length > 0 ? Math.min(...locks) : undefined;
  const firstBlank = blanks.length > 0 ? Math.min(...blanks) : undefined;

  const managed = Object.keys(inputs.policyDesktop).length > 0 || (machineLimit !== undefined && machineLimit === firstLock);
  return {
    user: inputs.user,
    desktop: "windows",
    idleSeconds: firstBlank ?? null,
    lockDelaySeconds: firstLock === undefined || firstBlank === undefined ? null : firstLock - firstBlank,
    managed,
    detail: describe(saver, inputs, displayOff, consoleLockOn, machineLimit),
  };
}

interface MergedSaver extends ScreenSaverSettings {
  fromPolicy: Set<keyof ScreenSaverSettings>;
}

function mergeDesktop(user: ScreenSaverSettings, policy: ScreenSaverSettings): MergedSaver {
  const merged: MergedSaver = { fromPolicy: new Set() };
  for (const name of ["active", "timeoutSeconds", "secure", "executable"] as const) {
    const fromPolicy = policy[name];
    const value = fromPolicy ?? user[name];
    if (fromPolicy !== undefined) merged.fromPolicy.add(name);
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[name] = value;
  }
  return merged;
}

/** The longer of AC and DC; 0 on either means "never" on that power source, so never. */
function worstTimeout(value: PowerSettingValue | undefined): number | undefined {
  if (value === undefined || value.ac === 0 || value.dc === 0) return undefined;
  return Math.max(value.ac, value.dc);
}

function describe(
  saver: MergedSaver,
  inputs: WindowsLockInputs,
  displayOff: number | undefined,
  consoleLockOn: boolean,
  machineLimit: number | undefined,
): string {
  const policy = saver.fromPolicy.size > 0 ? ` (Group Policy: ${[...saver.fromPolicy].join(", ")})` : "";
  let saverText: string;
  if (saver.active === false) saverText = "screen saver off";
  else if (saver.executable === undefined) saverText = "no screen saver chosen";
  else if ((saver.timeoutSeconds ?? 0) <= 0) saverText = `screen saver ${saver.executable} without a timeout`;
  else
    saverText = `screen saver ${saver.executable} after ${saver.timeoutSeconds} s, ${saver.secure === true ? "password on resume" : "no password on resume"}`;
  const display =
    inputs.displayOff === undefined
      ? "display-off timeout not set"
      : `display off after ${seconds(inputs.displayOff.ac)} plugged in, ${seconds(inputs.displayOff.dc)} on battery${displayOff === undefined ? " (never on one of them)" : ""}`;
  const wake = `password on wake ${consoleLockOn ? "on" : "off"}`;
  const limit = machineLimit === undefined ? "no machine inactivity limit" : `machine inactivity limit ${machineLimit} s`;
  return `${saverText}${policy}; ${display}; ${wake}; ${limit}`;
}

function seconds(value: number): string {
  return value === 0 ? "never" : `${value} s`;
}

function isNumber(value: number | undefined): value is number {
  return value !== undefined;
}
