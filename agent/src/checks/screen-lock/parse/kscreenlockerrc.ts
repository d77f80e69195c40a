// KDE's kscreenlockerrc (KConfig format): the [Daemon] group's Autolock, Timeout (minutes) and LockGrace (seconds).
import { ParseError } from "../../../runner/parse-error.js";

export interface KConfigEntry {
  value: string;
  /** `Key[$i]=…`: kiosk-immutable, a file read later (the user's) cannot override it. */
  immutable: boolean;
}

export interface KConfigGroup {
  /** `[Group][$i]`: every key of the group is immutable. */
  immutable: boolean;
  entries: Map<string, KConfigEntry>;
}

export interface KConfigFile {
  /** A `[$i]` line before the first group: the whole file is immutable. */
  immutable: boolean;
  /** Group name as written; nested groups keep their brackets: `Greeter][Wallpaper][org.kde.image][General`. */
  groups: Map<string, KConfigGroup>;
}

/** The [Daemon] settings one file states; undefined = the file does not set it. */
export interface KScreenLockerDaemon {
  autolock: KSetting<boolean> | undefined;
  timeoutMinutes: KSetting<number> | undefined;
  lockGraceSeconds: KSetting<number> | undefined;
}

export interface KSetting<T> {
  value: T;
  immutable: boolean;
}

/** KDE's compiled-in defaults (kscreenlockersettings.kcfg). */
export const KSCREENLOCKER_DEFAULTS = Object.freeze({ autolock: true, timeoutMinutes: 5, lockGraceSeconds: 5 });

/** Parses a KConfig file: groups, `Key=Value`, `Key[$i]`/`Key[de]` variants, `#` comments. */
export function parseKConfig(text: string, source: string): KConfigFile {
  const file: KConfigFile = { immutable: false, groups: new Map() };
  let current: KConfigGroup | undefined;
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] as string).trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("[")) {
      const segments = headerSegments(line);
      if (segments === undefined) throw new ParseError(source, `line ${index + 1}: malformed group header ${quote(line)}`);
      if (current === undefined && segments.length === 1 && segments[0] === "$i") {
        file.immutable = true;
        continue;
      }
      const immutable = segments.at(-1) === "$i";
      const name = (immutable ? segments.slice(0, -1) : segments).join("][");
      current = file.groups.get(name) ?? { immutable: false, entries: new Map() };
      current.immutable ||= immutable;
      file.groups.set(name, current);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) throw new ParseError(source, `line ${index + 1}: expected [Group] or Key=Value, got ${quote(line)}`);
    // Keys before any group belong to KConfig's implicit "<default>" group.
    current ??= ensureGroup(file, "<default>");
    const rawKey = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const keyMatch = /^([^[]+)((?:\[[^\]]*\])*)$/.exec(rawKey);
    if (keyMatch === null) throw new ParseError(source, `line ${index + 1}: malformed key ${quote(rawKey)}`);
    const [, key, options = ""] = keyMatch as unknown as [string, string, string | undefined];
    const flags = [...options.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? "");
    // Localised variants (Key[de]) are not the value KDE reads for the C locale: skip them.
    if (flags.some((flag) => !flag.startsWith("$"))) continue;
    const immutable = flags.some((flag) => flag.includes("i"));
    current.entries.set(key.trim(), { value, immutable });
  }
  return file;
}

/** The [Daemon] settings of one kscreenlockerrc, with KConfig's reading rules (invalid numbers read as unset). */
export function kscreenlockerDaemon(file: KConfigFile): KScreenLockerDaemon {
  const group = file.groups.get("Daemon");
  const setting = <T>(key: string, convert: (raw: string) => T | undefined): KSetting<T> | undefined => {
    const entry = group?.entries.get(key);
    if (entry === undefined) return undefined;
    const value = convert(entry.value);
    if (value === undefined) return undefined;
    return { value, immutable: file.immutable || (group?.immutable ?? false) || entry.immutable };
  };
  return {
    autolock: setting("Autolock", toBoolean),
    timeoutMinutes: setting("Timeout", toInteger),
    lockGraceSeconds: setting("LockGrace", toInteger),
  };
}

/** True when the file makes the whole [Daemon] group (or itself) immutable for files read after it. */
export function daemonGroupImmutable(file: KConfigFile): boolean {
  return file.immutable || (file.groups.get("Daemon")?.immutable ?? false);
}

function headerSegments(line: string): string[] | undefined {
  const segments: string[] = [];
  let rest = line;
  while (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) return undefined;
    segments.push(rest.slice(1, close));
    rest = rest.slice(close + 1);
  }
  return rest.trim() === "" && segments.length > 0 ? segments : undefined;
}

function ensureGroup(file: KConfigFile, name: string): KConfigGroup {
  const group = file.groups.get(name) ?? { immutable: false, entries: new Map() };
  file.groups.set(name, group);
  return group;
}

// KConfig reads these spellings of a boolean; anything else falls back to the default.
function toBoolean(raw: string): boolean | undefined {
  const v = raw.toLowerCase();
  if (v === "true" || v === "on" || v === "yes" || v === "1") return true;
  if (v === "false" || v === "off" || v === "no" || v === "0") return false;
  return undefined;
}

function toInteger(raw: string): number | undefined {
  return /^[+-]?\d+$/.test(raw) ? Number.parseInt(raw, 10) : undefined;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
