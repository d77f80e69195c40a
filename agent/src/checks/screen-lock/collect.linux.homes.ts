// Home directories of desktop users: /etc/passwd when it lists them (local accounts), else the usual /home/<user>.
import { readFile, valueOr } from "../../runner/read-source.js";
import type { CommandRunner } from "../../runner/runner.js";
import { accountsByName, parsePasswd } from "../common/parse/passwd.js";
import { PASSWD_FILE } from "./collect.linux.sources.js";

/** Looks up home directories, reading /etc/passwd once. A broken passwd file only costs the lookup, not the check. */
export class HomeDirectories {
  private entries: Promise<Map<string, { home: string }>> | undefined;

  constructor(private readonly runner: CommandRunner) {}

  async of(user: string): Promise<string> {
    this.entries ??= this.load();
    const home = (await this.entries).get(user)?.home;
    if (home !== undefined && home.startsWith("/")) return home.replace(/\/+$/, "") || "/";
    return user === "root" ? "/root" : `/home/${user}`;
  }

  private async load(): Promise<Map<string, { home: string }>> {
    const accounts = valueOr(
      await readFile(this.runner, PASSWD_FILE, (text, source) => accountsByName(parsePasswd(text, source)), { parseErrors: "unread" }),
    );
    return accounts ?? new Map();
  }
}
