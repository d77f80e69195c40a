// GNOME, Cinnamon and MATE: one user's effective idle and lock settings from what gsettings, dconf dump and the machine dconf databases said.
import { UnreadableSettings, type UserScreenLock } from "./facts.js";
import { decisiveKeys, keyPath, type GsettingsDesktop, type GsettingsKey } from "./desktops.linux.js";
import { dconfValue } from "./parse/dconf-keyfile.js";
import { isLockedBy } from "./parse/dconf-system.js";
import { gvariantBoolean, gvariantCount, parseGVariant, type GVariantValue } from "./parse/gsettings-gvariant.js";

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

export interface SystemDb {
  name: string;
  /** Merged keyfiles of <name>.d: dconf dir -> key -> raw GVariant text (later file names win, as in `dconf update`). */
  values: Map<string, Map<string, string>>;
  locks: string[];
}

export interface MachineDconf {
  /** Whether a profile exists: without one, dconf reads the user's own database only. */
  profileFound: boolean;
  /** In profile order, highest priority first. */
  systemDbs: SystemDb[];
}

/** What machine policy says about one key. */
export interface MachineKey {
  locked: boolean;
  /** The database that locks it, for messages. */
  db: string | undefined;
  /** The raw value the locked key is held at, undefined = the schema default. */
  value: string | undefined;
}

/**
 * One system database as `dconf update` compiles it: keyfiles in name order (dot files skipped by the
 * caller), a later file winning a clash; the lock lists of its locks/ directory.
 */
export function mergeSystemDb(
  name: string,
  keyfiles: readonly ReadonlyMap<string, ReadonlyMap<string, string>>[],
  locks: readonly string[],
): SystemDb {
  const values = new Map<string, Map<string, string>>();
  for (const keyfile of keyfiles) {
    for (const [keyDir, keys] of keyfile) {
      const merged = values.get(keyDir) ?? new Map<string, string>();
      for (const [key, value] of keys) merged.set(key, value);
      values.set(keyDir, merged);
    }
  }
  return { name, values, locks: [...locks] };
}

/**
 * A lock in a database keeps every database above it in the profile (the user's first) from
 * changing the key; the value then comes from the locking database or one below it.
 */
export function machineKey(machine: MachineDconf, path: string): MachineKey {
  let lockIndex = -1;
  machine.systemDbs.forEach((db, index) => {
    if (isLockedBy(db.locks, path)) lockIndex = index;
  });
  if (lockIndex < 0) return { locked: false, db: undefined, value: undefined };
  for (const db of machine.systemDbs.slice(lockIndex)) {
    const value = dconfValue(db.values, path);
    if (value !== undefined) return { locked: true, db: machine.systemDbs[lockIndex]?.name, value };
  }
  return { locked: true, db: machine.systemDbs[lockIndex]?.name, value: undefined };
}

/** A key as a `dconf dump` covering its directory shows it: a dump lists only what differs from the default. */
export function valueFromDump(dirs: ReadonlyMap<string, ReadonlyMap<string, string>>, key: GsettingsKey): Resolved {
  const raw = dconfValue(dirs, keyPath(key));
  return raw === undefined
    ? { value: schemaDefault(key), via: "not in dconf dump: schema default" }
    : { value: parseGVariant(raw, `dconf dump ${keyPath(key)}`), via: "dconf dump" };
}

/** Turns the desktop's values into the facts: idle time, further delay until the password, and who fixes them. */
export function screenLockFromGsettings(
  user: string,
  d: GsettingsDesktop,
  values: GsettingsValues,
  lockedKeys: readonly string[],
): UserScreenLock {
  const idle = gvariantCount(values.idleDelay.value, label(d.idleDelay)) * (d.idleDelay.unitSeconds ?? 1);
  const activates =
    values.idleActivation === undefined || gvariantBoolean(values.idleActivation.value, label(d.idleActivation as GsettingsKey));
  const locks = locksOnIdle(d, values.lockEnabled, values.disableLock);
  if (locks && values.lockDelay === undefined) throw new UnreadableSettings(`${d.label}: ${d.lockDelay.key} was not read`);
  const delay =
    locks && values.lockDelay !== undefined
      ? gvariantCount(values.lockDelay.value, label(d.lockDelay)) * (d.lockDelay.unitSeconds ?? 1)
      : null;

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

export function locksOnIdle(d: GsettingsDesktop, lockEnabled: Resolved, disableLock: Resolved): boolean {
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
