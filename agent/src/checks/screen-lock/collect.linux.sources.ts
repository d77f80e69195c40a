// Every command and file the Linux screen-lock collector may read: collect fills these templates, `sources` prints them.
import { readCommand, type SourceRead } from "../../runner/read-source.js";
import type { CommandRunner } from "../../runner/runner.js";
import type { SourceSpec } from "../types.js";
import { GSETTINGS_DESKTOPS, desktopKeys, decisiveKeys, type GsettingsDesktop } from "./desktops.linux.js";

/** The service runs as root: per-user settings are read as that user, so that dconf and $HOME are theirs. */
const asUser = (...argv: string[]): string[] => ["runuser", "-u", "{user}", "--", ...argv];

/** The command without the `runuser -u USER --` prefix, as reasons name it. */
export function shownCommand(argv: readonly string[]): string {
  const rest = argv[0] === "runuser" && argv[1] === "-u" && argv[3] === "--" ? argv.slice(4) : argv;
  return rest.join(" ");
}

/** A command's output as text, or why there is none, named as `shownCommand` names it. */
export function readCommandText(runner: CommandRunner, argv: readonly string[]): Promise<SourceRead<string>> {
  return readCommand(runner, [argv], (text) => text, { label: shownCommand(argv) });
}

export const LIST_SESSIONS: readonly string[] = ["loginctl", "list-sessions", "--no-pager"];
export const SHOW_SESSION: readonly string[] = ["loginctl", "show-session", "{session}", "--no-pager"];
export const PASSWD_FILE = "/etc/passwd";

export const gsettingsGet = (schema: string, key: string): string[] => asUser("gsettings", "get", schema, key);
export const gsettingsWritable = (schema: string, key: string): string[] => asUser("gsettings", "writable", schema, key);
export const gsettingsList = (schema: string): string[] => asUser("gsettings", "list-recursively", schema);
export const dconfDump = (dir: string): string[] => asUser("dconf", "dump", dir);

export const DCONF_PROFILE_FILE = "/etc/dconf/profile/user";
export const DCONF_DB_DIR = "/etc/dconf/db/{db}.d";
export const DCONF_DB_FILE = "/etc/dconf/db/{db}.d/{file}";
export const DCONF_LOCKS_DIR = "/etc/dconf/db/{db}.d/locks";
export const DCONF_LOCKS_FILE = "/etc/dconf/db/{db}.d/locks/{file}";

export const KDE_USER_FILE = "{home}/.config/kscreenlockerrc";
export const KDE_SYSTEM_FILE = "/etc/xdg/kscreenlockerrc";

export const XFCE_USER_FILE = "{home}/.config/xfce4/xfconf/xfce-perchannel-xml/xfce4-screensaver.xml";
export const XFCE_SYSTEM_FILE = "/etc/xdg/xfce4/xfconf/xfce-perchannel-xml/xfce4-screensaver.xml";
export const XFCE_USER_AUTOSTART = "{home}/.config/autostart/xfce4-screensaver.desktop";
export const XFCE_SYSTEM_AUTOSTART = "/etc/xdg/autostart/xfce4-screensaver.desktop";

export const XSET_QUERY: readonly string[] = asUser("env", "DISPLAY={display}", "xset", "q");

function gsettingsSources(desktop: GsettingsDesktop): SourceSpec[] {
  const keys = desktopKeys(desktop);
  const schemas = [...new Set(keys.map((k) => k.schema))];
  const label = `${desktop.label} users`;
  return [
    ...keys.map((k): SourceSpec => ({
      kind: "command",
      argv: gsettingsGet(k.schema, k.key),
      what: `${label}: ${k.schema} ${k.key}`,
      optional: true,
      perUser: true,
    })),
    ...decisiveKeys(desktop).map((k): SourceSpec => ({
      kind: "command",
      argv: gsettingsWritable(k.schema, k.key),
      what: `${label}: whether machine policy (a dconf lock) fixes ${k.key}`,
      optional: true,
      perUser: true,
    })),
    ...schemas.map((schema): SourceSpec => ({
      kind: "command",
      argv: gsettingsList(schema),
      what: `${label}: ${schema}, all keys (fallback when a single gsettings get is missing)`,
      optional: true,
      perUser: true,
    })),
    {
      kind: "command",
      argv: dconfDump(desktop.dumpDir),
      what: `${label}: settings that differ from the schema defaults (fallback when gsettings is missing)`,
      optional: true,
      perUser: true,
    },
  ];
}

export const SCREEN_LOCK_LINUX_SOURCES: readonly SourceSpec[] = Object.freeze([
  { kind: "command", argv: LIST_SESSIONS, what: "logind sessions (who is logged in, on which seat)", optional: false },
  {
    kind: "command",
    argv: SHOW_SESSION,
    what: "one session's Type, Class, Desktop, Remote, State, Display and Seat (per listed session)",
    optional: true,
  },
  { kind: "file", path: PASSWD_FILE, what: "home directories of desktop users (else /home/{user})", optional: true },
  ...gsettingsSources(GSETTINGS_DESKTOPS.gnome),
  ...gsettingsSources(GSETTINGS_DESKTOPS.cinnamon),
  ...gsettingsSources(GSETTINGS_DESKTOPS.mate),
  {
    kind: "file",
    path: DCONF_PROFILE_FILE,
    what: "dconf profile: which system databases (and their locks) apply to users",
    optional: true,
  },
  { kind: "directory", path: DCONF_DB_DIR, what: "machine-wide dconf keyfiles of each system database in the profile", optional: true },
  { kind: "file", path: DCONF_DB_FILE, what: "one machine-wide dconf keyfile", optional: true },
  { kind: "directory", path: DCONF_LOCKS_DIR, what: "dconf lock lists of that database", optional: true },
  { kind: "file", path: DCONF_LOCKS_FILE, what: "one dconf lock list (keys users cannot change)", optional: true },
  { kind: "file", path: KDE_USER_FILE, what: "KDE Plasma users: screen locker settings", optional: true, perUser: true },
  { kind: "file", path: KDE_SYSTEM_FILE, what: "KDE Plasma: machine defaults and kiosk locks for the screen locker", optional: true },
  { kind: "file", path: XFCE_USER_FILE, what: "Xfce users: xfce4-screensaver settings", optional: true, perUser: true },
  { kind: "file", path: XFCE_SYSTEM_FILE, what: "Xfce: machine defaults and locks for xfce4-screensaver", optional: true },
  {
    kind: "file",
    path: XFCE_USER_AUTOSTART,
    what: "Xfce users: whether they switched xfce4-screensaver off at login",
    optional: true,
    perUser: true,
  },
  { kind: "file", path: XFCE_SYSTEM_AUTOSTART, what: "Xfce: whether xfce4-screensaver is installed to start at login", optional: true },
  {
    kind: "command",
    argv: XSET_QUERY,
    what: "X11 sessions of other desktops: the X server's screen saver timeout",
    optional: true,
    perUser: true,
  },
] satisfies SourceSpec[]);
