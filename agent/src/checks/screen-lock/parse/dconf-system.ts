// dconf's machine-wide files: the profile (which databases a user reads) and the lock lists under <db>.d/locks/.
import { ParseError } from "../../../runner/parse-error.js";

export interface DconfProfile {
  /** The user's own database (normally "user"), if the profile has one. */
  userDb: string | undefined;
  /** System databases in priority order (highest first), e.g. ["local", "site"]. */
  systemDbs: string[];
}

/** /etc/dconf/profile/user: `user-db:user`, `system-db:local`, … one per line; `#` comments. */
export function parseDconfProfile(text: string, source: string): DconfProfile {
  const profile: DconfProfile = { userDb: undefined, systemDbs: [] };
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    const match = /^([a-z-]+):(\S+)$/.exec(line);
    if (match === null) throw new ParseError(source, `line ${index + 1}: expected "kind:name", got ${JSON.stringify(line.slice(0, 80))}`);
    const [, kind, name] = match as unknown as [string, string, string];
    if (kind === "user-db" && profile.userDb === undefined) profile.userDb = name;
    else if (kind === "system-db") profile.systemDbs.push(name);
    // service-db and file-db sources hold no site policy the agent can read from files.
  }
  return profile;
}

/**
 * A file under /etc/dconf/db/<db>.d/locks/: one key (`/org/gnome/desktop/session/idle-delay`) or
 * directory (ending in `/`) per line. Like `dconf update`, only lines starting with "/" count.
 */
export function parseDconfLocks(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("/"))
    .map((line) => line.trimEnd());
}

/** True when a lock list covers the key: the key itself or a directory above it. */
export function isLockedBy(locks: readonly string[], keyPath: string): boolean {
  return locks.some((lock) => lock === keyPath || (lock.endsWith("/") && keyPath.startsWith(lock)));
}
