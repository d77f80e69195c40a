// screen-lock facts on Linux: every local graphical session's user (collect.linux.sessions.ts), read through the settings system of their desktop (collect.linux.<desktop>.ts).
import { ParseError } from "../../runner/parse-error.js";
import { NotRecordedError, SourceUnavailableError, type CommandRunner } from "../../runner/runner.js";
import type { Collector } from "../types.js";
import { loadMachineDconf } from "./collect.linux.dconf.js";
import { GsettingsUser } from "./collect.linux.gsettings.js";
import { HomeDirectories } from "./collect.linux.homes.js";
import { readKdeUser } from "./collect.linux.kde.js";
import { scanSessions } from "./collect.linux.sessions.js";
import { SCREEN_LOCK_LINUX_SOURCES } from "./collect.linux.sources.js";
import { describeXIdle } from "./collect.linux.x11.js";
import { readXfceUser } from "./collect.linux.xfce.js";
import { desktopFamily, GSETTINGS_DESKTOPS } from "./desktops.linux.js";
import { UnreadableSettings, type ScreenLockFacts, type UserScreenLock } from "./facts.js";
import type { MachineDconf } from "./merge.linux.js";
import type { DesktopSession } from "./merge.linux.sessions.js";

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
      if (
        error instanceof UnreadableSettings ||
        error instanceof ParseError ||
        error instanceof NotRecordedError ||
        error instanceof SourceUnavailableError
      ) {
        facts.unreadable.push({ user: session.user, reason: error.message });
      } else {
        throw error;
      }
    }
  }
  return facts;
}

async function readUser(
  runner: CommandRunner,
  session: DesktopSession,
  homes: HomeDirectories,
  machine: () => Promise<MachineDconf>,
): Promise<UserScreenLock> {
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
