// Programs from the Uninstall keys: `reg query … /s`, a `.reg` export, or PowerShell (JSON, Format-List, Format-Table).
import { ParseError } from "../../../runner/parse-error.js";
import { parsePsObjects } from "../../../platform/win32/ps-objects.js";
import { psString, type PsObject } from "../../../platform/win32/ps-json.js";
import { indirectFallback } from "../../../platform/win32/indirect-string.js";
import { looksLikeRegExport, parseRegExport } from "../../../platform/win32/reg-export.js";
import { parseRegQuery, regKeyName, regString, regValue, type RegKey } from "../../../platform/win32/reg-query.js";

export interface UninstallEntry {
  /** The subkey name (product code, `Git_is1`, …) when the format carries it. */
  key?: string;
  displayName: string;
  /** DisplayVersion, else the packed Version DWORD or VersionMajor.VersionMinor; "" when none is recorded. */
  version: string;
  publisher?: string;
}

/** What an Uninstall subkey holds, whichever format it came in. */
interface RawEntry {
  key?: string;
  displayName?: string;
  displayVersion?: string;
  publisher?: string;
  systemComponent?: number;
  parentKeyName?: string;
  packedVersion?: number;
  /** A Version value some installers write as text ("1.2.3") instead of the packed DWORD. */
  versionText?: string;
  versionMajor?: number;
  versionMinor?: number;
}

/**
 * The programs Apps & Features lists: an entry needs a DisplayName, and SystemComponent=1 hides
 * it (a part of something else); ParentKeyName marks an update of another entry, not a program.
 */
export function parseUninstallEntries(text: string, source: string): UninstallEntry[] {
  return readRaw(text, source).flatMap((raw) => {
    const name = raw.displayName === undefined ? undefined : indirectFallback(raw.displayName);
    if (name === undefined || name === "" || raw.systemComponent === 1 || raw.parentKeyName !== undefined) return [];
    const entry: UninstallEntry = { displayName: name, version: raw.displayVersion ?? versionOf(raw) };
    if (raw.key !== undefined) entry.key = raw.key;
    if (raw.publisher !== undefined) entry.publisher = raw.publisher;
    return [entry];
  });
}

function readRaw(text: string, source: string): RawEntry[] {
  const first = text.trim();
  if (first === "") return [];
  if (looksLikeRegExport(text)) return fromKeys(parseRegExport(text, source), source);
  if (/^HKEY_/i.test(first)) return fromKeys(parseRegQuery(text, source), source);
  return parsePsObjects(text, source).map(fromPs);
}

/** Only direct subkeys of an `…\Uninstall` key are programs; the Uninstall key itself and deeper keys are not. */
function fromKeys(keys: readonly RegKey[], source: string): RawEntry[] {
  if (keys.length > 0 && !keys.some((k) => /\\Uninstall(\\|$)/i.test(k.path))) {
    throw new ParseError(source, `expected keys under …\\Uninstall, got ${JSON.stringify((keys[0] as RegKey).path.slice(0, 120))}`);
  }
  return keys
    .filter((k) => /\\Uninstall\\[^\\]+$/i.test(k.path))
    .map((k) => ({
      key: regKeyName(k),
      displayName: regString(regValue(k, "DisplayName")),
      displayVersion: regString(regValue(k, "DisplayVersion")),
      publisher: regString(regValue(k, "Publisher")),
      systemComponent: lenientInteger(regString(regValue(k, "SystemComponent"))),
      parentKeyName: regString(regValue(k, "ParentKeyName")),
      ...versionField(regString(regValue(k, "Version"))),
      versionMajor: lenientInteger(regString(regValue(k, "VersionMajor"))),
      versionMinor: lenientInteger(regString(regValue(k, "VersionMinor"))),
    }))
    .map(withoutUndefined);
}

/** Get-ItemProperty objects: the subkey name is PSChildName. */
function fromPs(item: PsObject): RawEntry {
  return withoutUndefined({
    key: psString(item, "PSChildName"),
    displayName: psString(item, "DisplayName"),
    displayVersion: psString(item, "DisplayVersion"),
    publisher: psString(item, "Publisher"),
    systemComponent: lenientInteger(psString(item, "SystemComponent")),
    parentKeyName: psString(item, "ParentKeyName"),
    ...versionField(psString(item, "Version")),
    versionMajor: lenientInteger(psString(item, "VersionMajor")),
    versionMinor: lenientInteger(psString(item, "VersionMinor")),
  });
}

/**
 * Windows Installer packs ProductVersion into the Version DWORD: major in the top byte, minor in
 * the next, build in the low word (237272852 = 0x0E247F14 → 14.36.32532).
 */
export function unpackVersion(packed: number): string {
  return `${(packed >>> 24) & 0xff}.${(packed >>> 16) & 0xff}.${packed & 0xffff}`;
}

function versionOf(raw: RawEntry): string {
  if (raw.packedVersion !== undefined && raw.packedVersion > 0) return unpackVersion(raw.packedVersion);
  if (raw.versionText !== undefined) return raw.versionText;
  if (raw.versionMajor !== undefined) return raw.versionMinor === undefined ? String(raw.versionMajor) : `${raw.versionMajor}.${raw.versionMinor}`;
  return "";
}

/** Version is meant to be a DWORD (`0x…` from reg.exe, decimal from PowerShell) but installers also write text. */
function versionField(data: string | undefined): Pick<RawEntry, "packedVersion" | "versionText"> {
  if (data === undefined) return {};
  const n = lenientInteger(data);
  return n === undefined ? { versionText: data } : { packedVersion: n };
}

/** Optional numbers that only refine the version: a value that is not one is ignored rather than failing the inventory. */
function lenientInteger(data: string | undefined): number | undefined {
  if (data === undefined) return undefined;
  if (/^0x[0-9a-f]{1,8}$/i.test(data)) return Number.parseInt(data.slice(2), 16);
  if (/^\d{1,10}$/.test(data)) return Number.parseInt(data, 10);
  return undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
