// The machine-wide dconf layer users read through: the profile's system databases, their keyfiles and locks.
import type { CommandRunner } from "../../../runner/runner.js";
import { fillTemplate } from "../../types.js";
import { dconfValue, parseDconfKeyfile } from "../parse/dconf-keyfile.js";
import { isLockedBy, parseDconfLocks, parseDconfProfile } from "../parse/dconf-system.js";
import { listOptional, readText } from "./read.js";
import { DCONF_DB_DIR, DCONF_DB_FILE, DCONF_LOCKS_DIR, DCONF_LOCKS_FILE, DCONF_PROFILE_FILE } from "./sources.js";

export interface SystemDb {
  name: string;
  /** Merged keyfiles of <name>.d: dconf dir -> key -> raw GVariant text (later file names win, as in `dconf update`). */
  values: Map<string, Map<string, string>>;
  locks: string[];
}

export interface MachineDconf {
  /** Whether a profile exists: without one, dconf reads the user's own database only. */
  profileFound: boolean;
  /** In profile order, highest priority first. */
  systemDbs: SystemDb[];
}

/** What machine policy says about one key. */
export interface MachineKey {
  locked: boolean;
  /** The database that locks it, for messages. */
  db: string | undefined;
  /** The raw value the locked key is held at, undefined = the schema default. */
  value: string | undefined;
}

export async function loadMachineDconf(runner: CommandRunner): Promise<MachineDconf> {
  const profileText = await readText(runner, DCONF_PROFILE_FILE);
  if (profileText === undefined) return { profileFound: false, systemDbs: [] };
  const profile = parseDconfProfile(profileText, DCONF_PROFILE_FILE);
  const systemDbs: SystemDb[] = [];
  for (const name of profile.systemDbs) systemDbs.push(await loadDb(runner, name));
  return { profileFound: true, systemDbs };
}

async function loadDb(runner: CommandRunner, db: string): Promise<SystemDb> {
  const values = new Map<string, Map<string, string>>();
  const dir = fillTemplate(DCONF_DB_DIR, { db });
  // `dconf update` skips dot files and reads the keyfiles sorted by name; a later file wins a clash.
  const names = ((await listOptional(runner, dir)) ?? []).filter((n) => n !== "locks" && !n.startsWith(".")).sort();
  for (const file of names) {
    const path = fillTemplate(DCONF_DB_FILE, { db, file });
    const text = await readText(runner, path);
    if (text === undefined) continue;
    for (const [keyDir, keys] of parseDconfKeyfile(text, path)) {
      const merged = values.get(keyDir) ?? new Map<string, string>();
      for (const [key, value] of keys) merged.set(key, value);
      values.set(keyDir, merged);
    }
  }
  const locks: string[] = [];
  const locksDir = fillTemplate(DCONF_LOCKS_DIR, { db });
  for (const file of ((await listOptional(runner, locksDir)) ?? []).filter((n) => !n.startsWith(".")).sort()) {
    const text = await readText(runner, fillTemplate(DCONF_LOCKS_FILE, { db, file }));
    if (text !== undefined) locks.push(...parseDconfLocks(text));
  }
  return { name: db, values, locks };
}

/**
 * A lock in a database keeps every database above it in the profile (the user's first) from
 * changing the key; the value then comes from the locking database or one below it.
 */
export function machineKey(machine: MachineDconf, path: string): MachineKey {
  let lockIndex = -1;
  machine.systemDbs.forEach((db, index) => {
    if (isLockedBy(db.locks, path)) lockIndex = index;
  });
  if (lockIndex < 0) return { locked: false, db: undefined, value: undefined };
  for (const db of machine.systemDbs.slice(lockIndex)) {
    const value = dconfValue(db.values, path);
    if (value !== undefined) return { locked: true, db: machine.systemDbs[lockIndex]?.name, value };
  }
  return { locked: true, db: machine.systemDbs[lockIndex]?.name, value: undefined };
}
