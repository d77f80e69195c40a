// KDE Plasma users: which files to read (kscreenlockerrc in the home directory and in /etc/xdg) and which parser reads them.
import type { CommandRunner } from "../../runner/runner.js";
import { fillTemplate } from "../types.js";
import { settingsFile } from "./collect.linux.files.js";
import { KDE_SYSTEM_FILE, KDE_USER_FILE } from "./collect.linux.sources.js";
import type { UserScreenLock } from "./facts.js";
import { kdeScreenLock } from "./merge.linux.kde.js";
import { parseKConfig } from "./parse/kscreenlockerrc.js";

export async function readKdeUser(runner: CommandRunner, user: string, home: string): Promise<UserScreenLock> {
  const userFile = await settingsFile(runner, fillTemplate(KDE_USER_FILE, { home }), parseKConfig);
  const systemFile = await settingsFile(runner, KDE_SYSTEM_FILE, parseKConfig);
  return kdeScreenLock(user, {
    ...(userFile === undefined ? {} : { user: userFile }),
    ...(systemFile === undefined ? {} : { system: systemFile }),
    systemPath: KDE_SYSTEM_FILE,
  });
}
