// GNOME, Cinnamon and MATE users: effective idle and lock settings through gsettings, with dconf as the fallback.
import type { CommandRunner } from "../../../runner/runner.js";
import { fillArgv } from "../../types.js";
import type { UserScreenLock } from "../facts.js";
import { dconfValue, parseDconfKeyfile } from "../parse/dconf-keyfile.js";
import { parseGsettingsGet, parseGsettingsListRecursively, parseGsettingsWritable } from "../parse/gsettings.js";
import { gvariantBoolean, gvariantCount, parseGVariant, type GVariantValue } from "../parse/gsettings-gvariant.js";
import { decisiveKeys, keyPath, type GsettingsDesktop, type GsettingsKey } from "./desktops.js";
import { machineKey, type MachineDconf } from "./dconf-machine.js";
import { attempt, UnreadableSettings, type Attempt } from "./read.js";
import { dconfDump, gsettingsGet, gsettingsList, gsettingsWritable } from "./sources.js";

export interface Resolved {
  value: GVariantValue;
  /** Where the value came from when it was not a plain `gsettings get`. */
  via: string | undefined;
}

/** The values one desktop's verdict rests on; lockDelay is only read when the screen locks at all. */
export interface GsettingsValues {
  idleDelay: Resolved;
  lockEnabled: Resolved;
  lockDelay: Resolved | undefined;
  idleActivation: Resolved | undefined;
  disableLock: Resolved;
}

/**
 * Reads one user's keys the way the desktop sees them. gsettings already merges the user's
 * database, the machine databases and their locks; when it cannot answer, the same keys are read
 * from `gsettings list-recursively`, then `dconf dump` (absent key = schema default), then from a
 * machine-wide lock (a locked key holds the same value for everyone).
 */
export class GsettingsUser {
  private readonly lists = new Map<string, Promise<Attempt>>();
  private dump: Promise<Attempt> | undefined;

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
    const get = await attempt(this.runner, this.argv(gsettingsGet(key.schema, key.key)));
    if (get.ok) return { value: parseGsettingsGet(get.text, label(key)), via: undefined };
    failures.push(get.why);

    const list = await this.list(key.schema);
    if (list.ok) {
      const entry = parseGsettingsListRecursively(list.text, `gsettings list-recursively ${key.schema}`).find((e) => e.key === key.key);
      if (entry !== undefined) return { value: entry.value, via: "gsettings list-recursively" };
      failures.push(`gsettings list-recursively ${key.schema}: no ${key.key} key`);
    } else {
      failures.push(list.why);
    }

    this.dump ??= attempt(this.runner, this.argv(dconfDump(this.desktop.dumpDir)));
    const dump = await this.dump;
    if (dump.ok) return valueFromDump(parseDconfKeyfile(dump.text, `dconf dump ${this.desktop.dumpDir}`, this.desktop.dumpDir), key);
    failures.push(dump.why);

    const machine = machineKey(await this.machine(), keyPath(key));
    if (machine.locked) {
      const value = machine.value === undefined ? schemaDefault(key) : parseGVariant(machine.value, `dconf database ${machine.db} ${keyPath(key)}`);
      return { value, via: `locked in dconf database ${machine.db}` };
    }
    return { failures };
  }

  /** Keys machine policy fixes: `gsettings writable` false, else a lock in a system dconf database. */
  private async lockedKeys(needsDelay: boolean): Promise<string[]> {
    const locked: string[] = [];
    for (const key of decisiveKeys(this.desktop)) {
      if (key === this.desktop.lockDelay && !needsDelay) continue;
      const writable = await attempt(this.runner, this.argv(gsettingsWritable(key.schema, key.key)));
      const isLocked = writable.ok
        ? !parseGsettingsWritable(writable.text, `gsettings writable ${key.schema} ${key.key}`)
        : machineKey(await this.machine(), keyPath(key)).locked;
      if (isLocked) locked.push(key.key);
    }
    return locked;
  }

  private list(schema: string): Promise<Attempt> {
    let pending = this.lists.get(schema);
    if (pending === undefined) {
      pending = attempt(this.runner, this.argv(gsettingsList(schema)));
      this.lists.set(schema, pending);
    }
    return pending;
  }

  private argv(template: readonly string[]): string[] {
    return fillArgv(template, { user: this.user });
  }
}

/** A key as a `dconf dump` covering its directory shows it: a dump lists only what differs from the default. */
export function valueFromDump(dirs: ReadonlyMap<string, ReadonlyMap<string, string>>, key: GsettingsKey): Resolved {
  const raw = dconfValue(dirs, keyPath(key));
  return raw === undefined
    ? { value: schemaDefault(key), via: "not in dconf dump: schema default" }
    : { value: parseGVariant(raw, `dconf dump ${keyPath(key)}`), via: "dconf dump" };
}

/** Turns the desktop's values into the facts: idle time, further delay until the password, and who fixes them. */
export function screenLockFromGsettings(user: string, d: GsettingsDesktop, values: GsettingsValues, lockedKeys: readonly string[]): UserScreenLock {
  const idle = gvariantCount(values.idleDelay.value, label(d.idleDelay)) * (d.idleDelay.unitSeconds ?? 1);
  const activates = values.idleActivation === undefined || gvariantBoolean(values.idleActivation.value, label(d.idleActivation as GsettingsKey));
  const locks = locksOnIdle(d, values.lockEnabled, values.disableLock);
  if (locks && values.lockDelay === undefined) throw new UnreadableSettings(`${d.label}: ${d.lockDelay.key} was not read`);
  const delay = locks && values.lockDelay !== undefined ? gvariantCount(values.lockDelay.value, label(d.lockDelay)) * (d.lockDelay.unitSeconds ?? 1) : null;

  const shown: [GsettingsKey, Resolved | undefined][] = [
    [d.idleDelay, values.idleDelay],
    [d.lockEnabled, values.lockEnabled],
    [d.lockDelay, values.lockDelay],
    // These switches matter only when they turn locking off: mention them then.
    ...(activates ? [] : [[d.idleActivation as GsettingsKey, values.idleActivation] as [GsettingsKey, Resolved | undefined]]),
    ...(isTrue(values.disableLock.value) ? [[d.disableLock, values.disableLock] as [GsettingsKey, Resolved]] : []),
  ];
  const parts = shown
    .filter((entry): entry is [GsettingsKey, Resolved] => entry[1] !== undefined)
    .map(([key, r]) => `${key.key} ${r.value.text}${r.via === undefined ? "" : ` (${r.via})`}`);
  const decisive = decisiveKeys(d).filter((k) => k !== d.lockDelay || locks);
  return {
    user,
    desktop: d.family,
    idleSeconds: activates && idle > 0 ? idle : null,
    lockDelaySeconds: delay,
    managed: decisive.every((k) => lockedKeys.includes(k.key)),
    detail: `${d.label} settings: ${parts.join(", ")}${lockedKeys.length === 0 ? "" : `; locked by machine policy: ${lockedKeys.join(", ")}`}`,
  };
}

function locksOnIdle(d: GsettingsDesktop, lockEnabled: Resolved, disableLock: Resolved): boolean {
  return gvariantBoolean(lockEnabled.value, label(d.lockEnabled)) && !gvariantBoolean(disableLock.value, label(d.disableLock));
}

function isTrue(value: GVariantValue): boolean {
  return value.kind === "boolean" && value.value;
}

export function schemaDefault(key: GsettingsKey): GVariantValue {
  const text = String(key.fallback);
  return typeof key.fallback === "boolean" ? { kind: "boolean", value: key.fallback, text } : { kind: "number", value: key.fallback, text };
}

function label(key: GsettingsKey): string {
  return `${key.schema} ${key.key}`;
}
