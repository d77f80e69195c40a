// Home directories of desktop users: /etc/passwd when it lists them (local accounts), else the usual /home/<user>.
import { readFile, valueOr } from "../../runner/read-source.js";
import type { CommandRunner } from "../../runner/runner.js";
import { PASSWD_FILE } from "./collect.linux.sources.js";
import { parsePasswd, type PasswdEntry } from "./parse/passwd.js";

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
    return valueOr(await readFile(this.runner, PASSWD_FILE, parsePasswd, { parseErrors: "unread" })) ?? new Map();
  }
}
