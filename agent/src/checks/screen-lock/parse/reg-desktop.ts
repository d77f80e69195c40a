// The screen-saver values of a `Control Panel\Desktop` key (the user's, or its Group Policy twin) from `reg query`.
import { ParseError } from "../../../runner/parse-error.js";
import { regFlag, regInteger, regKeyEndingWith, regString, regValue, type RegKey } from "../../../platform/win32/reg-query.js";

/** What one Desktop key says; undefined = the value is not set there. */
export interface ScreenSaverSettings {
  /** ScreenSaveActive: "1" on, "0" off. */
  active?: boolean;
  /** ScreenSaveTimeOut: seconds of inactivity before the screen saver starts; 0 = never. */
  timeoutSeconds?: number;
  /** ScreenSaverIsSecure: "1" asks for the password when the screen saver ends. */
  secure?: boolean;
  /** SCRNSAVE.EXE: the screen saver program; without one no screen saver runs. */
  executable?: string;
}

/**
 * Reads the Desktop key out of `reg query "…\Control Panel\Desktop"` (whole key or `/v NAME`).
 * Value names are matched without regard to case: `reg add … /v ScreenSaveTimeout` creates a
 * value Windows still honours as ScreenSaveTimeOut. No keys at all means nothing is set there.
 */
export function parseScreenSaverSettings(keys: readonly RegKey[], source: string): ScreenSaverSettings {
  if (keys.length === 0) return {};
  const key = regKeyEndingWith(keys, "\\Control Panel\\Desktop");
  if (key === undefined) {
    throw new ParseError(source, `expected the Control Panel\\Desktop key, got ${JSON.stringify((keys[0] as RegKey).path.slice(0, 120))}`);
  }
  const settings: ScreenSaverSettings = {};
  const active = regFlag(regValue(key, "ScreenSaveActive"), source);
  const timeoutSeconds = regInteger(regValue(key, "ScreenSaveTimeOut"), source);
  const secure = regFlag(regValue(key, "ScreenSaverIsSecure"), source);
  const executable = regString(regValue(key, "SCRNSAVE.EXE"));
  if (active !== undefined) settings.active = active;
  if (timeoutSeconds !== undefined) {
    if (timeoutSeconds < 0) throw new ParseError(source, `ScreenSaveTimeOut: expected seconds, got ${timeoutSeconds}`);
    settings.timeoutSeconds = timeoutSeconds;
  }
  if (secure !== undefined) settings.secure = secure;
  if (executable !== undefined) settings.executable = executable;
  return settings;
}
