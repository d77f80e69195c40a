// Home directories of desktop users: /etc/passwd when it lists them (local accounts), else the usual /home/<user>.
import { ParseError } from "../../../runner/parse-error.js";
import type { CommandRunner } from "../../../runner/runner.js";
import { readText } from "./read.js";
import { PASSWD_FILE } from "./sources.js";

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

/** Looks up home directories, reading /etc/passwd once. A broken passwd file only costs the lookup, not the check. */
export class HomeDirectories {
  private entries: Promise<Map<string, PasswdEntry>> | undefined;

  constructor(private readonly runner: CommandRunner) {}

  async of(user: string): Promise<string> {
    this.entries ??= this.load();
    const home = (await this.entries).get(user)?.home;
    if (home !== undefined && home.startsWith("/")) return home.replace(/\/+$/, "") || "/";
    return user === "root" ? "/root" : `/home/${user}`;
  }

  private async load(): Promise<Map<string, PasswdEntry>> {
    const text = await readText(this.runner, PASSWD_FILE);
    if (text === undefined) return new Map();
    try {
      return parsePasswd(text, PASSWD_FILE);
    } catch (error) {
      if (error instanceof ParseError) return new Map();
      throw error;
    }
  }
}
