// Reads the machine-wide dconf layer users read through: the profile's system databases, their keyfiles and locks.
import { fileText, listDirectory, type SourceRead } from "../../runner/read-source.js";
import type { CommandRunner } from "../../runner/runner.js";
import { fillTemplate } from "../types.js";
import { DCONF_DB_DIR, DCONF_DB_FILE, DCONF_LOCKS_DIR, DCONF_LOCKS_FILE, DCONF_PROFILE_FILE } from "./collect.linux.sources.js";
import { UnreadableSettings } from "./facts.js";
import { mergeSystemDb, type MachineDconf, type SystemDb } from "./merge.linux.js";
import { parseDconfKeyfile } from "./parse/dconf-keyfile.js";
import { parseDconfLocks, parseDconfProfile } from "./parse/dconf-system.js";

export async function loadMachineDconf(runner: CommandRunner): Promise<MachineDconf> {
  const profileText = optional(await fileText(runner, DCONF_PROFILE_FILE));
  if (profileText === undefined) return { profileFound: false, systemDbs: [] };
  const profile = parseDconfProfile(profileText, DCONF_PROFILE_FILE);
  const systemDbs: SystemDb[] = [];
  for (const name of profile.systemDbs) systemDbs.push(await loadDb(runner, name));
  return { profileFound: true, systemDbs };
}

async function loadDb(runner: CommandRunner, db: string): Promise<SystemDb> {
  // `dconf update` skips dot files and reads the keyfiles sorted by name.
  const names = (optional(await listDirectory(runner, fillTemplate(DCONF_DB_DIR, { db }))) ?? [])
    .filter((n) => n !== "locks" && !n.startsWith("."))
    .sort();
  const keyfiles = [];
  for (const file of names) {
    const path = fillTemplate(DCONF_DB_FILE, { db, file });
    const text = optional(await fileText(runner, path));
    if (text !== undefined) keyfiles.push(parseDconfKeyfile(text, path));
  }
  const locks: string[] = [];
  for (const file of (optional(await listDirectory(runner, fillTemplate(DCONF_LOCKS_DIR, { db }))) ?? [])
    .filter((n) => !n.startsWith("."))
    .sort()) {
    const text = optional(await fileText(runner, fillTemplate(DCONF_LOCKS_FILE, { db, file })));
    if (text !== undefined) locks.push(...parseDconfLocks(text));
  }
  return mergeSystemDb(db, keyfiles, locks);
}

/** An absent file or directory is no policy; one that exists but cannot be read leaves the machine policy unknown. */
function optional<T>(read: SourceRead<T>): T | undefined {
  if (read.ok) return read.value;
  if (read.absent) return undefined;
  throw new UnreadableSettings(`machine dconf policy unknown: ${read.description}`);
}
