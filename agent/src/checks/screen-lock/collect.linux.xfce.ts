// Xfce users: which files to read (xfce4-screensaver's xfconf channel and autostart entry, the user's and /etc/xdg's) and which parser reads each.
import type { CommandRunner } from "../../runner/runner.js";
import { fillTemplate } from "../types.js";
import { settingsFile } from "./collect.linux.files.js";
import { XFCE_SYSTEM_AUTOSTART, XFCE_SYSTEM_FILE, XFCE_USER_AUTOSTART, XFCE_USER_FILE } from "./collect.linux.sources.js";
import { UnreadableSettings, type UserScreenLock } from "./facts.js";
import { xfceScreenLock } from "./merge.linux.xfce.js";
import { parseKeyfile } from "./parse/dconf-keyfile.js";
import { parseXfconfChannel } from "./parse/xfconf.js";

export async function readXfceUser(
  runner: CommandRunner,
  user: string,
  home: string,
  whenUnknown: () => Promise<string>,
): Promise<UserScreenLock> {
  const userPath = fillTemplate(XFCE_USER_FILE, { home });
  const own = await settingsFile(runner, userPath, parseXfconfChannel);
  const system = await settingsFile(runner, XFCE_SYSTEM_FILE, parseXfconfChannel);
  const autostartPath = fillTemplate(XFCE_USER_AUTOSTART, { home });
  const autostart = await settingsFile(runner, autostartPath, parseKeyfile);
  if (own === undefined && system === undefined && (await settingsFile(runner, XFCE_SYSTEM_AUTOSTART, (text) => text)) === undefined) {
    // Xfce also ships with light-locker or xscreensaver: without any trace of xfce4-screensaver the locker is unknown.
    throw new UnreadableSettings(
      `Xfce session without xfce4-screensaver settings (${userPath}, ${XFCE_SYSTEM_FILE}) or autostart entry (${XFCE_SYSTEM_AUTOSTART}): its screen locker is unknown${await whenUnknown()}`,
    );
  }
  return xfceScreenLock(user, {
    ...(own === undefined ? {} : { own }),
    userPath,
    ...(system === undefined ? {} : { system }),
    systemPath: XFCE_SYSTEM_FILE,
    ...(autostart === undefined ? {} : { autostart }),
    autostartPath,
  });
}
