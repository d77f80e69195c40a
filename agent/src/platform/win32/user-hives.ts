// The users whose registry hive is loaded (`reg query HKU`): a loaded user hive means that user is signed in (or a process runs as them).
import { ParseError } from "../../runner/parse-error.js";
import { required, runCommand } from "../../runner/read-source.js";
import { SourceUnavailableError, type CommandRunner } from "../../runner/runner.js";
import { parseRegQuery, type RegKey } from "./reg-query.js";
import { interpretRegQuery, regSource } from "./reg-result.js";

export const LOADED_HIVES_ARGV = ["reg", "query", "HKU"] as const;

/**
 * Local and domain accounts are S-1-5-21-…; Microsoft Entra (Azure AD) accounts are S-1-12-1-….
 * The service accounts (S-1-5-18/19/20), .DEFAULT and the per-user `_Classes` hives are not people.
 */
const USER_SID = /^S-1-(?:5-21|12-1)(?:-\d+)+$/i;

export function isUserSid(name: string): boolean {
  return USER_SID.test(name);
}

/** SIDs of the user hives in `reg query HKU` output, in the order listed. */
export function parseLoadedUserHives(text: string, source: string): string[] {
  return userSidsOf(parseRegQuery(text, source), source);
}

/** Runs `reg query HKU` and returns the user SIDs; the listing is a must-have, so failure throws. */
export async function readLoadedUserHives(runner: CommandRunner): Promise<string[]> {
  const source = regSource(LOADED_HIVES_ARGV);
  const result = interpretRegQuery(required(await runCommand(runner, LOADED_HIVES_ARGV)), source);
  if (!result.found) throw new SourceUnavailableError(source, result.message === "" ? "HKEY_USERS could not be listed" : result.message);
  return userSidsOf(result.keys, source);
}

/** The listing always has .DEFAULT and S-1-5-18, so an empty one is a broken output, not "nobody". */
function userSidsOf(keys: readonly RegKey[], source: string): string[] {
  if (keys.length === 0) throw new ParseError(source, "no hive listed (HKEY_USERS always holds at least .DEFAULT and S-1-5-18)");
  const sids: string[] = [];
  for (const key of keys) {
    const match = /^HKEY_USERS\\([^\\]+)$/i.exec(key.path);
    if (match === null) {
      if (/^HKEY_USERS$/i.test(key.path)) continue;
      throw new ParseError(source, `expected hives under HKEY_USERS, got ${JSON.stringify(key.path.slice(0, 120))}`);
    }
    const name = match[1] as string;
    // Kept as printed: replay answers a command by its exact argv, SID included.
    if (isUserSid(name) && !sids.some((sid) => sid.toLowerCase() === name.toLowerCase())) sids.push(name);
  }
  return sids;
}
