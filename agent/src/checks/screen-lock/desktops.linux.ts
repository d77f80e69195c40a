// Which settings system a session's Desktop= value points to, and the GSettings keys of the GNOME-derived desktops.

export type DesktopFamily = "gnome" | "cinnamon" | "mate" | "kde" | "xfce";
export type GsettingsFamily = "gnome" | "cinnamon" | "mate";

/** XDG desktop names (lowercased) and the family whose locker reads the settings. */
const DESKTOP_NAMES: Readonly<Record<string, DesktopFamily>> = {
  gnome: "gnome",
  "gnome-classic": "gnome",
  "gnome-flashback": "gnome",
  // Unity and Budgie lock through gnome-screensaver forks that read the org.gnome.desktop keys.
  unity: "gnome",
  budgie: "gnome",
  "x-cinnamon": "cinnamon",
  cinnamon: "cinnamon",
  mate: "mate",
  kde: "kde",
  plasma: "kde",
  xfce: "xfce",
};

/**
 * The family of a Desktop= value such as "ubuntu:GNOME", "pop:GNOME", "X-Cinnamon", "KDE" or
 * "xfce": a colon-separated list, case-insensitive; the first name we know decides.
 */
export function desktopFamily(desktop: string | undefined): DesktopFamily | undefined {
  if (desktop === undefined) return undefined;
  for (const name of desktop.split(":")) {
    const family = DESKTOP_NAMES[name.trim().toLowerCase()];
    if (family !== undefined) return family;
  }
  return undefined;
}

/** One GSettings key with its dconf location and schema default. */
export interface GsettingsKey {
  schema: string;
  key: string;
  /** The dconf directory of the schema ("/org/gnome/desktop/session/"). */
  dir: string;
  /** The schema's default (the value when nothing in dconf sets the key). */
  fallback: number | boolean;
  /** Seconds per unit for delays: GNOME and Cinnamon store seconds, MATE minutes. */
  unitSeconds?: number;
}

export interface GsettingsDesktop {
  family: GsettingsFamily;
  label: string;
  /** Seconds of inactivity before the session counts as idle (0 = never). */
  idleDelay: GsettingsKey;
  /** Whether going idle locks the screen. */
  lockEnabled: GsettingsKey;
  /** Further delay between going idle and requiring the password. */
  lockDelay: GsettingsKey;
  /** Whether the screen saver starts on idle at all (the locker of Cinnamon and MATE hangs off it). */
  idleActivation: GsettingsKey | undefined;
  /** Lockdown switch that disables the lock screen altogether. */
  disableLock: GsettingsKey;
  /** The one `dconf dump` directory that holds all of the above (fallback when gsettings is missing). */
  dumpDir: string;
}

/** Schema facts: gsettings-desktop-schemas, cinnamon-desktop, mate-session-manager, mate-screensaver, mate-desktop. */
export const GSETTINGS_DESKTOPS: Readonly<Record<GsettingsFamily, GsettingsDesktop>> = {
  gnome: {
    family: "gnome",
    label: "GNOME",
    idleDelay: {
      schema: "org.gnome.desktop.session",
      key: "idle-delay",
      dir: "/org/gnome/desktop/session/",
      fallback: 300,
      unitSeconds: 1,
    },
    lockEnabled: { schema: "org.gnome.desktop.screensaver", key: "lock-enabled", dir: "/org/gnome/desktop/screensaver/", fallback: true },
    lockDelay: {
      schema: "org.gnome.desktop.screensaver",
      key: "lock-delay",
      dir: "/org/gnome/desktop/screensaver/",
      fallback: 0,
      unitSeconds: 1,
    },
    // gnome-shell ignores org.gnome.desktop.screensaver idle-activation-enabled.
    idleActivation: undefined,
    disableLock: { schema: "org.gnome.desktop.lockdown", key: "disable-lock-screen", dir: "/org/gnome/desktop/lockdown/", fallback: false },
    dumpDir: "/org/gnome/desktop/",
  },
  cinnamon: {
    family: "cinnamon",
    label: "Cinnamon",
    idleDelay: {
      schema: "org.cinnamon.desktop.session",
      key: "idle-delay",
      dir: "/org/cinnamon/desktop/session/",
      fallback: 900,
      unitSeconds: 1,
    },
    lockEnabled: {
      schema: "org.cinnamon.desktop.screensaver",
      key: "lock-enabled",
      dir: "/org/cinnamon/desktop/screensaver/",
      fallback: true,
    },
    lockDelay: {
      schema: "org.cinnamon.desktop.screensaver",
      key: "lock-delay",
      dir: "/org/cinnamon/desktop/screensaver/",
      fallback: 0,
      unitSeconds: 1,
    },
    idleActivation: {
      schema: "org.cinnamon.desktop.screensaver",
      key: "idle-activation-enabled",
      dir: "/org/cinnamon/desktop/screensaver/",
      fallback: true,
    },
    disableLock: {
      schema: "org.cinnamon.desktop.lockdown",
      key: "disable-lock-screen",
      dir: "/org/cinnamon/desktop/lockdown/",
      fallback: false,
    },
    dumpDir: "/org/cinnamon/desktop/",
  },
  mate: {
    family: "mate",
    label: "MATE",
    // MATE counts both delays in minutes (type i).
    idleDelay: { schema: "org.mate.session", key: "idle-delay", dir: "/org/mate/desktop/session/", fallback: 5, unitSeconds: 60 },
    lockEnabled: { schema: "org.mate.screensaver", key: "lock-enabled", dir: "/org/mate/screensaver/", fallback: true },
    lockDelay: { schema: "org.mate.screensaver", key: "lock-delay", dir: "/org/mate/screensaver/", fallback: 0, unitSeconds: 60 },
    idleActivation: { schema: "org.mate.screensaver", key: "idle-activation-enabled", dir: "/org/mate/screensaver/", fallback: true },
    disableLock: { schema: "org.mate.lockdown", key: "disable-lock-screen", dir: "/org/mate/desktop/lockdown/", fallback: false },
    dumpDir: "/org/mate/",
  },
};

/** Every key of a desktop, in the order the collector reads them. */
export function desktopKeys(desktop: GsettingsDesktop): GsettingsKey[] {
  return [
    desktop.idleDelay,
    desktop.lockEnabled,
    desktop.lockDelay,
    ...(desktop.idleActivation ? [desktop.idleActivation] : []),
    desktop.disableLock,
  ];
}

/** The keys whose writability decides whether machine policy fixes the verdict. */
export function decisiveKeys(desktop: GsettingsDesktop): GsettingsKey[] {
  return [desktop.idleDelay, desktop.lockEnabled, desktop.lockDelay];
}

export function keyPath(key: GsettingsKey): string {
  return `${key.dir}${key.key}`;
}
