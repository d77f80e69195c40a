// What the dpkg formats share: package states, architecture names, `name:arch` qualifiers, the Source field.
import type { InstalledPackage } from "../facts.js";

/** One installed Debian package as the dpkg parsers read it. */
export interface DpkgPackage extends InstalledPackage {
  source: "dpkg";
  /** The name as `${binary:Package}` prints it when it carries an architecture (`libc6:amd64`): what apt is asked about. */
  binaryPackage?: string;
  /** The source package it was built from, when that is not a package of its own name (`glibc` for libc6). */
  sourcePackage?: string;
}

/** Current-state letters (2nd column of `dpkg -l`, 2nd char of ${db:Status-Abbrev}) whose files are on disk. */
const ON_DISK_ABBREV = new Set(["i", "U", "F", "W", "t", "H"]);
/** The same states as the third word of ${Status} / the `Status:` field. */
const ON_DISK_WORDS = new Set(["installed", "unpacked", "half-configured", "triggers-awaited", "triggers-pending", "half-installed"]);

/** `ii `, `rc`, `hi`, `iHR`: desired action, current state, error flag. */
export const STATUS_ABBREV = /^[uihrp][ncUiFHWt][ R]?$/;
/** `install ok installed`, `deinstall ok config-files`, `hold reinstreq half-installed`. */
export const STATUS_WORDS = /^(?:unknown|install|hold|deinstall|purge) (?:ok|reinstreq) (\S+)$/;

/**
 * Whether a package in this state counts as installed: its files are on disk (installed, or caught half-way by
 * an interrupted dpkg run). `rc` (only configuration files left) and `un`/`pn` do not.
 */
export function isInstalledState(status: string): boolean {
  const text = status.trim();
  const words = STATUS_WORDS.exec(text);
  if (words !== null) return ON_DISK_WORDS.has(words[1] ?? "");
  if (STATUS_ABBREV.test(text)) return ON_DISK_ABBREV.has(text.charAt(1));
  return false;
}

export function isStatus(value: string): boolean {
  const text = value.trim();
  return STATUS_ABBREV.test(text) || STATUS_WORDS.test(text);
}

/** Debian architecture names (dpkg-architecture -L, the release ports, and `all`). */
const ARCHES = new Set([
  "all",
  "amd64",
  "arm64",
  "armel",
  "armhf",
  "i386",
  "mips64el",
  "mipsel",
  "ppc64el",
  "s390x",
  "riscv64",
  "loong64",
  "x32",
  "alpha",
  "hppa",
  "ia64",
  "m68k",
  "powerpc",
  "ppc64",
  "sh4",
  "sparc64",
  "arc",
  "hurd-i386",
  "hurd-amd64",
  "kfreebsd-amd64",
  "kfreebsd-i386",
]);

export function isArch(value: string): boolean {
  return ARCHES.has(value);
}

/** A binary package name, possibly qualified by `:arch` (Multi-Arch: same packages in ${binary:Package} and dpkg -l). */
export const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]*(?::[a-z0-9-]+)?$/;

/** `libc6:amd64` → name `libc6`, qualifier `amd64`. */
export function splitQualifier(binaryPackage: string): { name: string; qualifier?: string } {
  const colon = binaryPackage.indexOf(":");
  return colon < 0 ? { name: binaryPackage } : { name: binaryPackage.slice(0, colon), qualifier: binaryPackage.slice(colon + 1) };
}

/** A Debian version: optional epoch, then an upstream part that starts with a digit. */
export const DPKG_VERSION = /^(?:\d+:)?\d[A-Za-z0-9.+~:-]*$/;

/** `${Source}` and the status file's `Source:`: a source package name, with the source version in parentheses when it differs. */
const SOURCE_FIELD = /^([a-z0-9][a-z0-9+.-]+)(?: \(([^()\s]+)\))?$/;

export function isSourceField(value: string): boolean {
  return value === "" || SOURCE_FIELD.test(value);
}

/** "glibc (2.36-9)" → "glibc"; an empty field means "the same as the package". */
export function sourceName(value: string): string | undefined {
  const m = SOURCE_FIELD.exec(value.trim());
  return m === null ? undefined : m[1];
}
