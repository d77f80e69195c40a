// screen-lock facts on Linux: every local graphical session's user, read through the settings system of their desktop.
import { ParseError } from "../../runner/parse-error.js";
import { NotRecordedError, SourceUnavailableError, type CommandRunner } from "../../runner/runner.js";
import type { Collector } from "../types.js";
import type { ScreenLockFacts, UserScreenLock } from "./facts.js";
import { HomeDirectories } from "./linux/accounts.js";
import { loadMachineDconf, type MachineDconf } from "./linux/dconf-machine.js";
import { desktopFamily, GSETTINGS_DESKTOPS } from "./linux/desktops.js";
import { GsettingsUser } from "./linux/gsettings-user.js";
import { readKdeUser } from "./linux/kde-user.js";
import { UnreadableSettings } from "./linux/read.js";
import { scanSessions, type DesktopSession } from "./linux/sessions.js";
import { SCREEN_LOCK_LINUX_SOURCES } from "./linux/sources.js";
import { describeXIdle } from "./linux/x11-idle.js";
import { readXfceUser } from "./linux/xfce-user.js";

export const collectScreenLockLinux: Collector<ScreenLockFacts> = {
  sources: SCREEN_LOCK_LINUX_SOURCES,
  collect: collectLinux,
};

async function collectLinux(runner: CommandRunner): Promise<ScreenLockFacts> {
  const scan = await scanSessions(runner);
  if (scan.kind === "none") return { users: [], unreadable: [], noSession: scan.reason };

  const homes = new HomeDirectories(runner);
  let machine: Promise<MachineDconf> | undefined;
  const machineDconf = () => (machine ??= loadMachineDconf(runner));
  const facts: ScreenLockFacts = { users: [], unreadable: [...scan.unreadable] };
  for (const session of scan.sessions) {
    try {
      facts.users.push(await readUser(runner, session, homes, machineDconf));
    } catch (error) {
      // One user's unreadable settings must not hide the others' verdicts.
      if (error instanceof UnreadableSettings || error instanceof ParseError || error instanceof NotRecordedError || error instanceof SourceUnavailableError) {
        facts.unreadable.push({ user: session.user, reason: error.message });
      } else {
        throw error;
      }
    }
  }
  return facts;
}

async function readUser(runner: CommandRunner, session: DesktopSession, homes: HomeDirectories, machine: () => Promise<MachineDconf>): Promise<UserScreenLock> {
  const family = desktopFamily(session.desktop);
  switch (family) {
    case "gnome":
    case "cinnamon":
    case "mate":
      return new GsettingsUser(runner, session.user, GSETTINGS_DESKTOPS[family], machine).read();
    case "kde":
      return readKdeUser(runner, session.user, await homes.of(session.user));
    case "xfce":
      return readXfceUser(runner, session.user, await homes.of(session.user), () => describeXIdle(runner, session));
    case undefined: {
      // A desktop (or bare window manager) whose locker the agent does not know is never passed.
      const desktop = session.desktop === undefined ? "no desktop name" : `desktop "${session.desktop}"`;
      throw new UnreadableSettings(
        `${session.type} session ${session.sessionId} (${desktop}): its screen locker is not one the agent can read (GNOME, Cinnamon, MATE, KDE Plasma, Xfce)${await describeXIdle(runner, session)}`,
      );
    }
  }
}
