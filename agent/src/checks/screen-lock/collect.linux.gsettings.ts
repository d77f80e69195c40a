// GNOME, Cinnamon and MATE users: which keys to read, through gsettings first and dconf as the fallback (merge.linux.ts decides from them).
import type { SourceRead } from "../../runner/read-source.js";
import type { CommandRunner } from "../../runner/runner.js";
import { fillArgv } from "../types.js";
import { dconfDump, gsettingsGet, gsettingsList, gsettingsWritable, readCommandText } from "./collect.linux.sources.js";
import { decisiveKeys, keyPath, type GsettingsDesktop, type GsettingsKey } from "./desktops.linux.js";
import { UnreadableSettings, type UserScreenLock } from "./facts.js";
import {
  locksOnIdle,
  machineKey,
  schemaDefault,
  screenLockFromGsettings,
  valueFromDump,
  type MachineDconf,
  type Resolved,
} from "./merge.linux.js";
import { parseDconfKeyfile } from "./parse/dconf-keyfile.js";
import { parseGsettingsGet, parseGsettingsListRecursively, parseGsettingsWritable } from "./parse/gsettings.js";
import { parseGVariant } from "./parse/gsettings-gvariant.js";

/**
 * Reads one user's keys the way the desktop sees them. gsettings already merges the user's
 * database, the machine databases and their locks; when it cannot answer, the same keys are read
 * from `gsettings list-recursively`, then `dconf dump` (absent key = schema default), then from a
 * machine-wide lock (a locked key holds the same value for everyone).
 */
export class GsettingsUser {
  private readonly lists = new Map<string, Promise<SourceRead<string>>>();
  private dump: Promise<SourceRead<string>> | undefined;

  constructor(
    private readonly runner: CommandRunner,
    private readonly user: string,
    private readonly desktop: GsettingsDesktop,
    private readonly machine: () => Promise<MachineDconf>,
  ) {}

  async read(): Promise<UserScreenLock> {
    const d = this.desktop;
    const idleDelay = await this.required(d.idleDelay);
    const lockEnabled = await this.required(d.lockEnabled);
    const idleActivation = d.idleActivation === undefined ? undefined : await this.optional(d.idleActivation);
    const disableLock = await this.optional(d.disableLock);
    const needsDelay = locksOnIdle(d, lockEnabled, disableLock);
    const lockDelay = needsDelay ? await this.required(d.lockDelay) : undefined;
    const locked = await this.lockedKeys(needsDelay);
    return screenLockFromGsettings(this.user, d, { idleDelay, lockEnabled, lockDelay, idleActivation, disableLock }, locked);
  }

  /** The key's value, or the user is unreadable with every reason it could not be read. */
  private async required(key: GsettingsKey): Promise<Resolved> {
    const result = await this.resolve(key);
    if ("failures" in result) throw new UnreadableSettings(`cannot read ${key.schema} ${key.key}: ${result.failures.join("; ")}`);
    return result;
  }

  /** Switches that only ever turn locking off when set: unreadable means the schema default. */
  private async optional(key: GsettingsKey): Promise<Resolved> {
    const result = await this.resolve(key);
    return "failures" in result ? { value: schemaDefault(key), via: "not readable, schema default assumed" } : result;
  }

  private async resolve(key: GsettingsKey): Promise<Resolved | { failures: string[] }> {
    const failures: string[] = [];
    const get = await readCommandText(this.runner, this.argv(gsettingsGet(key.schema, key.key)));
    if (get.ok) return { value: parseGsettingsGet(get.value, label(key)), via: undefined };
    failures.push(get.description);

    const list = await this.list(key.schema);
    if (list.ok) {
      const entry = parseGsettingsListRecursively(list.value, `gsettings list-recursively ${key.schema}`).find((e) => e.key === key.key);
      if (entry !== undefined) return { value: entry.value, via: "gsettings list-recursively" };
      failures.push(`gsettings list-recursively ${key.schema}: no ${key.key} key`);
    } else {
      failures.push(list.description);
    }

    this.dump ??= readCommandText(this.runner, this.argv(dconfDump(this.desktop.dumpDir)));
    const dump = await this.dump;
    if (dump.ok) return valueFromDump(parseDconfKeyfile(dump.value, `dconf dump ${this.desktop.dumpDir}`, this.desktop.dumpDir), key);
    failures.push(dump.description);

    const machine = machineKey(await this.machine(), keyPath(key));
    if (machine.locked) {
      const value =
        machine.value === undefined ? schemaDefault(key) : parseGVariant(machine.value, `dconf database ${machine.db} ${keyPath(key)}`);
      return { value, via: `locked in dconf database ${machine.db}` };
    }
    return { failures };
  }

  /** Keys machine policy fixes: `gsettings writable` false, else a lock in a system dconf database. */
  private async lockedKeys(needsDelay: boolean): Promise<string[]> {
    const locked: string[] = [];
    for (const key of decisiveKeys(this.desktop)) {
      if (key === this.desktop.lockDelay && !needsDelay) continue;
      const writable = await readCommandText(this.runner, this.argv(gsettingsWritable(key.schema, key.key)));
      const isLocked = writable.ok
        ? !parseGsettingsWritable(writable.value, `gsettings writable ${key.schema} ${key.key}`)
        : machineKey(await this.machine(), keyPath(key)).locked;
      if (isLocked) locked.push(key.key);
    }
    return locked;
  }

  private list(schema: string): Promise<SourceRead<string>> {
    let pending = this.lists.get(schema);
    if (pending === undefined) {
      pending = readCommandText(this.runner, this.argv(gsettingsList(schema)));
      this.lists.set(schema, pending);
    }
    return pending;
  }

  private argv(template: readonly string[]): string[] {
    return fillArgv(template, { user: this.user });
  }
}

function label(key: GsettingsKey): string {
  return `${key.schema} ${key.key}`;
}
