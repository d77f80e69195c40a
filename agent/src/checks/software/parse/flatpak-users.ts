// Local people who may have per-user Flatpak installations (installable without admin rights), from /etc/passwd.
import { ParseError } from "../../../runner/parse-error.js";

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
  const users: LocalUser[] = [];
  text.split("\n").forEach((line, i) => {
    // NIS/compat entries ("+", "-user") and comments carry no local account.
    if (line.trim() === "" || /^[+#-]/.test(line)) return;
    const fields = line.split(":");
    if (fields.length !== 7) throw new ParseError(source, `line ${i + 1} has ${fields.length} fields, expected 7`);
    const [user = "", , uidText = "", , , home = "", shell = ""] = fields;
    const uid = Number.parseInt(uidText, 10);
    if (!/^\d+$/.test(uidText)) throw new ParseError(source, `line ${i + 1}: uid "${uidText}" is not a number`);
    if (uid < FIRST_UID || uid > LAST_UID || !home.startsWith("/") || NO_LOGIN.test(shell)) return;
    users.push({ user, uid, home: home.replace(/\/+$/, "") });
  });
  return users;
}
