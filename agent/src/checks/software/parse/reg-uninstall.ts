// Uninstall entries (programs, hidden components, updates) from the Uninstall keys: `reg query … /s`, a `.reg` export, or PowerShell (JSON, Format-List, Format-Table).
import { ParseError } from "../../../runner/parse-error.js";
import { parsePsObjects, sniffPsFormat } from "../../../platform/win32/ps-objects.js";
import { psProperty, psString, type PsObject } from "../../../platform/win32/ps-json.js";
import { indirectFallback } from "../../../platform/win32/indirect-string.js";
import { looksLikeRegExport, parseRegExport } from "../../../platform/win32/reg-export.js";
import { parseRegQuery, regKeyName, regString, regValue, type RegKey, type RegValue } from "../../../platform/win32/reg-query.js";

export interface UninstallEntry {
  /** The subkey name (product code, `Git_is1`, …) when the format carries it. */
  key?: string;
  displayName: string;
  /** DisplayVersion, else the packed Version DWORD or VersionMajor.VersionMinor; "" when none is recorded. */
  version: string;
  /** Self-declared: anyone who can write the key writes what they like here. */
  publisher?: string;
  /** `SystemComponent` = DWORD 1: Programs and Features does not list it (an empty or text value does not hide). */
  systemComponent: boolean;
  /** The key name of the product this entry updates or belongs to (`OperatingSystem`, `OFFICE14.PROPLUS`). */
  parentKeyName?: string;
  /** `Update`, `Hotfix`, `Security Update`, `Service Pack`…: a patch, not a program. */
  releaseType?: string;
  /** `WindowsInstaller` = 1: an MSI product (its UninstallString is msiexec, not the program's own file). */
  windowsInstaller: boolean;
  /** The icon's file, possibly with `,N` (an icon index) and quotes: often the program's main executable. */
  displayIcon?: string;
  uninstallString?: string;
  installLocation?: string;
}

/** What an Uninstall subkey holds, whichever format it came in. */
interface RawEntry {
  key?: string;
  displayName?: string;
  displayVersion?: string;
  publisher?: string;
  systemComponent?: boolean;
  parentKeyName?: string;
  releaseType?: string;
  windowsInstaller?: boolean;
  displayIcon?: string;
  uninstallString?: string;
  installLocation?: string;
  packedVersion?: number;
  /** A Version value some installers write as text ("1.2.3") instead of the packed DWORD. */
  versionText?: string;
  versionMajor?: number;
  versionMinor?: number;
}

/**
 * Every Uninstall subkey with a DisplayName (a key without one is not shown anywhere and names
 * nothing). Hidden entries (SystemComponent), updates (ParentKeyName, ReleaseType) are kept with
 * their flags: they are not titles a person chose, but a deny-listed tool can hide as one.
 */
export function parseUninstallEntries(text: string, source: string): UninstallEntry[] {
  return readRaw(text, source).flatMap((raw) => {
    const name = raw.displayName === undefined ? undefined : indirectFallback(raw.displayName);
    if (name === undefined || name === "") return [];
    const entry: UninstallEntry = {
      displayName: name,
      version: raw.displayVersion ?? versionOf(raw),
      systemComponent: raw.systemComponent === true,
      windowsInstaller: raw.windowsInstaller === true,
    };
    if (raw.key !== undefined) entry.key = raw.key;
    if (raw.publisher !== undefined) entry.publisher = raw.publisher;
    if (raw.parentKeyName !== undefined) entry.parentKeyName = raw.parentKeyName;
    if (raw.releaseType !== undefined) entry.releaseType = raw.releaseType;
    if (raw.displayIcon !== undefined) entry.displayIcon = raw.displayIcon;
    if (raw.uninstallString !== undefined) entry.uninstallString = raw.uninstallString;
    if (raw.installLocation !== undefined) entry.installLocation = raw.installLocation;
    return [entry];
  });
}

/** Not a program a person chose: hidden from Programs and Features, or an update of another entry. */
export function isComponentEntry(entry: UninstallEntry): boolean {
  return entry.systemComponent || entry.parentKeyName !== undefined || entry.releaseType !== undefined;
}

function readRaw(text: string, source: string): RawEntry[] {
  const first = text.trim();
  if (first === "") return [];
  if (looksLikeRegExport(text)) return fromKeys(parseRegExport(text, source), source);
  if (/^HKEY_/i.test(first)) return fromKeys(parseRegQuery(text, source), source);
  // Only ConvertTo-Json keeps a DWORD apart from a string; Format-List and Format-Table print both as text.
  const typed = sniffPsFormat(text) === "json";
  return parsePsObjects(text, source).map((item) => fromPs(item, typed));
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
      systemComponent: dwordIsOne(regValue(k, "SystemComponent")),
      parentKeyName: regString(regValue(k, "ParentKeyName")),
      releaseType: regString(regValue(k, "ReleaseType")),
      windowsInstaller: dwordIsOne(regValue(k, "WindowsInstaller")),
      displayIcon: regString(regValue(k, "DisplayIcon")),
      uninstallString: regString(regValue(k, "UninstallString")),
      installLocation: regString(regValue(k, "InstallLocation")),
      ...versionField(regString(regValue(k, "Version"))),
      versionMajor: lenientInteger(regString(regValue(k, "VersionMajor"))),
      versionMinor: lenientInteger(regString(regValue(k, "VersionMinor"))),
    }))
    .map(withoutUndefined);
}

/** Get-ItemProperty objects: the subkey name is PSChildName. */
function fromPs(item: PsObject, typed: boolean): RawEntry {
  return withoutUndefined({
    key: psString(item, "PSChildName"),
    displayName: psString(item, "DisplayName"),
    displayVersion: psString(item, "DisplayVersion"),
    publisher: psString(item, "Publisher"),
    systemComponent: psDwordIsOne(item, "SystemComponent", typed),
    parentKeyName: psString(item, "ParentKeyName"),
    releaseType: psString(item, "ReleaseType"),
    windowsInstaller: psDwordIsOne(item, "WindowsInstaller", typed),
    displayIcon: psString(item, "DisplayIcon"),
    uninstallString: psString(item, "UninstallString"),
    installLocation: psString(item, "InstallLocation"),
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
  if (raw.versionMajor !== undefined)
    return raw.versionMinor === undefined ? String(raw.versionMajor) : `${raw.versionMajor}.${raw.versionMinor}`;
  return "";
}

/** Version is meant to be a DWORD (`0x…` from reg.exe, decimal from PowerShell) but installers also write text. */
function versionField(data: string | undefined): Pick<RawEntry, "packedVersion" | "versionText"> {
  if (data === undefined) return {};
  const n = lenientInteger(data);
  return n === undefined ? { versionText: data } : { packedVersion: n };
}

/** Only a DWORD 1 counts, as Programs and Features reads it: `"SystemComponent"=""` (a string) hides nothing. */
function dwordIsOne(value: RegValue | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return value.type === "REG_DWORD" && lenientInteger(value.data) === 1;
}

/**
 * Get-ItemProperty objects lose the registry type: JSON keeps a DWORD a number (a string "1" is
 * REG_SZ), while Format-List and Format-Table print both as text, so there "1" is taken as the DWORD.
 */
function psDwordIsOne(item: PsObject, name: string, typed: boolean): boolean | undefined {
  const value = psProperty(item, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return value === 1;
  return !typed && typeof value === "string" && value.trim() === "1";
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
