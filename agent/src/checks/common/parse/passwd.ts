// /etc/passwd, read by more than one check (screen-lock: home folders; software: people with per-user installs).
import { ParseError } from "../../../runner/parse-error.js";

export interface PasswdAccount {
  name: string;
  uid: number;
  home: string;
  shell: string;
}

/** name:password:uid:gid:gecos:home:shell per line, in file order; NIS/compat lines ("+", "-user") and comments carry no local account. */
export function parsePasswd(text: string, source = "/etc/passwd"): PasswdAccount[] {
  const accounts: PasswdAccount[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "" || /^[+#-]/.test(line)) continue;
    const fields = line.split(":");
    if (fields.length !== 7) throw new ParseError(source, `line ${index + 1} has ${fields.length} fields, expected 7`);
    const [name = "", , uid = "", , , home = "", shell = ""] = fields;
    if (name === "") throw new ParseError(source, `line ${index + 1}: no account name`);
    if (!/^\d+$/.test(uid)) throw new ParseError(source, `line ${index + 1}: uid "${uid}" is not a number`);
    accounts.push({ name, uid: Number(uid), home, shell });
  }
  return accounts;
}

/** By name; the first line wins, as getpwnam(3) reads the file. */
export function accountsByName(accounts: readonly PasswdAccount[]): Map<string, { uid: number; home: string }> {
  const byName = new Map<string, { uid: number; home: string }>();
  for (const { name, uid, home } of accounts) if (!byName.has(name)) byName.set(name, { uid, home });
  return byName;
}
