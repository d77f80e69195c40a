// `apt-cache policy PKG…`: for each package, its version table; where the installed (`***`) version is offered says where it came from.
import { ParseError } from "../../../runner/parse-error.js";

export interface AptPolicyEntry {
  /** The package as apt names it: `nmap`, `libc6` (native architecture), `libc6:i386` (a foreign one). */
  package: string;
  /** The version marked `***`; absent when apt marks none installed. */
  installed?: string;
  /** Where the installed version is offered, in apt's order: repository descriptions and `/var/lib/dpkg/status`. */
  installedFrom: string[];
  /** Whether a repository (not the dpkg status file) offers any version of the package. */
  inRepository: boolean;
  /** Where versions newer than the installed one are offered (apt lists the version table newest first). */
  newerFrom: string[];
}

/** `nmap:` (or `libc6:i386:`) at the start of a line: one package's entry begins. */
const ENTRY = /^(\S+):$/;
/** `  Installed: 1.2`, `  Version table:`: the entry's own lines, two spaces in (their words are localized: not read). */
const HEADER_LINE = /^ {2}\S.*:/;
/** ` *** 1.2-3 500` or `     1.1-1 500`, possibly followed by a note such as `(phased 10%)`. */
const VERSION_LINE = /^ (\*\*\*| {3}) (\S+) (-?\d+)(?: .*)?$/;
/** `        500 http://deb.debian.org/debian bookworm/main amd64 Packages`, `        100 /var/lib/dpkg/status`. */
const SOURCE_LINE = /^ {8}(-?\d+) (\S.*)$/;

/**
 * Entries in the order apt printed them. The column layout (not the localized words) is read, so the parser works
 * whatever the locale; a line that fits none of apt's shapes is an error rather than a guess.
 */
export function parseAptCachePolicy(text: string, source = "apt-cache policy"): AptPolicyEntry[] {
  const entries: AptPolicyEntry[] = [];
  let entry: AptPolicyEntry | undefined;
  let inInstalled = false;
  let sawVersion = false;
  let pastInstalled = false;
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    const start = ENTRY.exec(line);
    if (start !== null) {
      entry = { package: start[1] ?? "", installedFrom: [], inRepository: false, newerFrom: [] };
      entries.push(entry);
      inInstalled = false;
      sawVersion = false;
      pastInstalled = false;
      return;
    }
    if (entry === undefined) throw new ParseError(source, `line ${i + 1} comes before any "package:" line: "${line.slice(0, 120)}"`);
    const version = VERSION_LINE.exec(line);
    if (version !== null) {
      if (inInstalled) pastInstalled = true;
      inInstalled = version[1] === "***";
      sawVersion = true;
      if (inInstalled) entry.installed = version[2] ?? "";
      return;
    }
    const from = SOURCE_LINE.exec(line);
    if (from !== null) {
      if (!sawVersion) throw new ParseError(source, `line ${i + 1} names a source before any version of ${entry.package}`);
      const where = (from[2] ?? "").trim();
      if (!isStatusFile(where)) entry.inRepository = true;
      if (inInstalled) entry.installedFrom.push(where);
      else if (!pastInstalled && !isStatusFile(where)) entry.newerFrom.push(where);
      return;
    }
    if (!sawVersion && HEADER_LINE.test(line)) return;
    throw new ParseError(source, `line ${i + 1} is not a line of apt-cache policy's version table: "${line.slice(0, 120)}"`);
  });
  return entries;
}

/** The dpkg status file (or another local file apt lists a version from): where installed packages are known from, not a repository. */
function isStatusFile(where: string): boolean {
  return where.startsWith("/");
}

/**
 * Where the installed version came from: the first repository offering that exact version, as its URL without the
 * scheme and the trailing slash (`deb.debian.org/debian`, `dl.google.com/linux/chrome/deb`). An outdated install —
 * a version no repository offers any more while a repository offers a newer one, as after every point release with
 * updates pending — came from the repository that now offers the newer version. `local` when only the dpkg status
 * file knows it and nothing newer is offered (installed from a .deb file, or a local build newer than any repository's);
 * undefined when apt marks no version installed.
 */
export function installedOrigin(entry: AptPolicyEntry): string | undefined {
  if (entry.installed === undefined) return undefined;
  const repository = entry.installedFrom.find((where) => !isStatusFile(where)) ?? entry.newerFrom[0];
  return repository === undefined ? "local" : repositoryOrigin(repository);
}

/** `http://deb.debian.org/debian bookworm/main amd64 Packages` → `deb.debian.org/debian`; `cdrom://[Debian …] …` keeps its bracket. */
export function repositoryOrigin(description: string): string {
  const uri =
    description.startsWith("cdrom:") && description.includes("]")
      ? description.slice(0, description.indexOf("]") + 1)
      : (description.split(/\s+/)[0] ?? "");
  return uri.replace(/^[a-z][a-z0-9+.-]*:(?:\/\/)?/i, "").replace(/\/+$/, "");
}

/** The entry apt printed for a package as dpkg names it (`libc6:amd64` is printed as `libc6:` on an amd64 machine). */
export function policyLookup(entries: readonly AptPolicyEntry[]): (binaryPackage: string, name: string) => AptPolicyEntry | undefined {
  const byPackage = new Map<string, AptPolicyEntry>();
  for (const e of entries) if (!byPackage.has(e.package)) byPackage.set(e.package, e);
  return (binaryPackage, name) => byPackage.get(binaryPackage) ?? byPackage.get(name);
}
