// The facts the screen-lock check needs: each desktop user's effective idle-to-lock settings.

export interface UserScreenLock {
  /** The account, as the OS names it (login name; on Windows DOMAIN\\user or the SID). */
  user: string;
  /** Which settings system was read: gnome, cinnamon, mate, kde, xfce, x11, macos, windows. */
  desktop: string;
  /** Seconds of inactivity before the screen saver or blanking starts; null = never. */
  idleSeconds: number | null;
  /**
   * Seconds after that until a password is required; 0 = at once; null = waking never asks for
   * a password (locking disabled).
   */
  lockDelaySeconds: number | null;
  /** True when machine policy (dconf lock, MDM profile, GPO) fixes the values the user sees. */
  managed: boolean;
  /** Where the values came from, for the violation message (e.g. "gsettings org.gnome.desktop.session"). */
  detail: string;
}

export interface ScreenLockFacts {
  /** One entry per user with a graphical session whose settings could be read. */
  users: UserScreenLock[];
  /** Users with a graphical session whose settings could not be read, and why. */
  unreadable: { user: string; reason: string }[];
  /** Set when there is no graphical session to judge (headless, ssh only, no logind): the check is unknown. */
  noSession?: string;
}

/** A user's settings cannot be read: the reason ends up in `ScreenLockFacts.unreadable`, and that user is never passed. */
export class UnreadableSettings extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "UnreadableSettings";
  }
}
