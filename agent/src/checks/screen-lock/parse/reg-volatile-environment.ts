// `reg query "HKU\<sid>\Volatile Environment"`: written at interactive sign-in, so it names the user of a desktop session.
import { regKeyEndingWith, regString, regValue, type RegKey } from "../../../platform/win32/reg-query.js";

export interface InteractiveSession {
  /** DOMAIN\user (or just user when the domain is not given); undefined when the key names nobody. */
  account?: string;
}

/**
 * Winlogon creates this volatile key when a user signs in interactively (console or Remote
 * Desktop) and it disappears with the session; a hive loaded only for a service or a scheduled
 * task has none. Undefined when the key is not in the output.
 */
export function parseVolatileEnvironment(keys: readonly RegKey[]): InteractiveSession | undefined {
  const key = regKeyEndingWith(keys, "\\Volatile Environment");
  if (key === undefined) return undefined;
  const user = regString(regValue(key, "USERNAME"));
  const domain = regString(regValue(key, "USERDOMAIN"));
  if (user === undefined) return {};
  return { account: domain === undefined ? user : `${domain}\\${user}` };
}
