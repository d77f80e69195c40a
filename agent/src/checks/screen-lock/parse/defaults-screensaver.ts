// The com.apple.screensaver keys that decide locking, from a `defaults` dump or a managed-preferences plist.
import { isPlistDict, plistBoolean, plistNumber, type PlistValue } from "../../../platform/darwin/plist-value.js";

export interface ScreensaverSettings {
  /** Seconds of inactivity before the screen saver starts; 0 = never. */
  idleTime?: number;
  /** Whether waking from the screen saver or display sleep asks for a password. */
  askForPassword?: boolean;
  /** Seconds of grace after the screen saver starts before the password is asked. */
  askForPasswordDelay?: number;
}

/** The keys that are present and well-typed; anything else is left out (an absent key does not decide). */
export function screensaverSettings(value: PlistValue): ScreensaverSettings {
  if (!isPlistDict(value)) return {};
  const settings: ScreensaverSettings = {};
  const idleTime = plistNumber(value, "idleTime");
  const askForPassword = plistBoolean(value, "askForPassword");
  const askForPasswordDelay = plistNumber(value, "askForPasswordDelay");
  if (idleTime !== undefined && idleTime >= 0) settings.idleTime = Math.round(idleTime);
  if (askForPassword !== undefined) settings.askForPassword = askForPassword;
  if (askForPasswordDelay !== undefined && askForPasswordDelay >= 0) settings.askForPasswordDelay = Math.round(askForPasswordDelay);
  return settings;
}
