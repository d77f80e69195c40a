// /etc/passwd: each account's uid and home directory.
import { ParseError } from "../../../runner/parse-error.js";

export interface PasswdEntry {
  uid: number;
  home: string;
}

/** name:password:uid:gid:gecos:home:shell per line; NIS "+"/"-" lines and comments carry no home. */
export function parsePasswd(text: string, source: string): Map<string, PasswdEntry> {
  const entries = new Map<string, PasswdEntry>();
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "" || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) continue;
    const fields = line.split(":");
    if (fields.length !== 7 || fields[0] === "" || !/^\d+$/.test(fields[2] ?? "")) {
      throw new ParseError(source, `line ${index + 1}: expected 7 colon-separated fields with a numeric uid`);
    }
    const [name, , uid, , , home] = fields as [string, string, string, string, string, string, string];
    if (!entries.has(name)) entries.set(name, { uid: Number(uid), home });
  }
  return entries;
}
