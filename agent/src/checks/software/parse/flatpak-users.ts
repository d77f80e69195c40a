// Local people who may have per-user Flatpak installations (installable without admin rights), from /etc/passwd.
import { parsePasswd } from "../../common/parse/passwd.js";

export interface LocalUser {
  user: string;
  uid: number;
  home: string;
}

/** Debian/Fedora give people uids from 1000 up to 59999; system accounts and nobody (65534) are below or above. */
const FIRST_UID = 1000;
const LAST_UID = 59_999;
const NO_LOGIN = /(?:nologin|false|sync|shutdown|halt)$/;

/** People with a login shell and a home directory, in file order. */
export function parsePasswdUsers(text: string, source = "/etc/passwd"): LocalUser[] {
  return parsePasswd(text, source)
    .filter(({ uid, home, shell }) => uid >= FIRST_UID && uid <= LAST_UID && home.startsWith("/") && !NO_LOGIN.test(shell))
    .map(({ name, uid, home }) => ({ user: name, uid, home: home.replace(/\/+$/, "") }));
}
