// rpm inventories: the agent's tab-separated --queryformat, `rpm -qai` blocks, or plain `rpm -qa` NEVRA lines.
import { ParseError } from "../../../runner/parse-error.js";
import type { InstalledPackage } from "../facts.js";

/** The --queryformat the collector asks for: one package a line, six tab-separated fields. */
export const RPM_QUERY_FORMAT = String.raw`%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{VENDOR}\n`;

export type RpmFormat = "query" | "info" | "nevra";

export function sniffRpmFormat(text: string): RpmFormat | undefined {
  const first = text.split("\n").find((l) => l.trim() !== "") ?? "";
  if (/^Name\s*:/.test(first)) return "info";
  if (first.split("\t").length === 6) return "query";
  if (NEVRA.test(first.trim())) return "nevra";
  return undefined;
}

/** Installed rpm packages; the version is `[epoch:]version-release`, as rpm orders them. */
export function parseRpm(text: string, source = "rpm -qa"): InstalledPackage[] {
  if (text.trim() === "") return [];
  const format = sniffRpmFormat(text);
  if (format === "info") return parseRpmInfo(text, source);
  if (format === "query") return parseRpmQuery(text, source);
  if (format === "nevra") return parseRpmNevra(text, source);
  throw new ParseError(source, `not rpm --queryformat, rpm -qai or rpm -qa output (starts with "${text.trimStart().slice(0, 60)}")`);
}

/** `(none)` is how rpm prints an absent tag. */
const present = (value: string | undefined): string | undefined => {
  const v = value?.trim();
  return v === undefined || v === "" || v === "(none)" ? undefined : v;
};

function toPackage(name: string, epoch: string | undefined, version: string, release: string, arch?: string, vendor?: string): InstalledPackage {
  const e = present(epoch);
  const pkg: InstalledPackage = { name, version: `${e !== undefined ? `${e}:` : ""}${version}-${release}`, source: "rpm" };
  const a = present(arch);
  if (a !== undefined) pkg.arch = a;
  const v = present(vendor);
  if (v !== undefined) pkg.publisher = v;
  return pkg;
}

export function parseRpmQuery(text: string, source = "rpm -qa --queryformat"): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const fields = line.split("\t");
    const [name, epoch, version, release, arch, vendor] = fields;
    if (fields.length !== 6 || name === undefined || version === undefined || release === undefined || name.trim() === "" || version.trim() === "") {
      throw new ParseError(source, `line ${i + 1} is not NAME, EPOCH, VERSION, RELEASE, ARCH and VENDOR separated by tabs: "${line.slice(0, 120)}"`);
    }
    if (present(epoch) !== undefined && !/^\d+$/.test(epoch?.trim() ?? "")) throw new ParseError(source, `line ${i + 1}: epoch "${epoch}" is not a number`);
    packages.push(toPackage(name.trim(), epoch, version.trim(), release.trim(), arch, vendor));
  });
  return packages;
}

const FIELD = /^([A-Z][A-Za-z ]*?)\s*:(?: (.*))?$/;

/**
 * `rpm -qai`: blocks of "Label   : value" lines, each ending in a free-text Description. The Epoch line is there
 * only when the package has one; names repeat for multi-instance packages (kernel, gpg-pubkey).
 */
export function parseRpmInfo(text: string, source = "rpm -qai"): InstalledPackage[] {
  const lines = text.split("\n");
  const packages: InstalledPackage[] = [];
  let fields: Map<string, string> | undefined;
  let startLine = 0;
  let inDescription = false;
  const finish = (): void => {
    if (fields === undefined) return;
    const name = fields.get("name");
    const version = fields.get("version");
    const release = fields.get("release");
    if (name === undefined || name === "" || version === undefined || release === undefined) {
      throw new ParseError(source, `the entry at line ${startLine} lacks Name, Version or Release`);
    }
    packages.push(toPackage(name, fields.get("epoch"), version, release, fields.get("architecture"), fields.get("vendor")));
  };
  lines.forEach((line, i) => {
    if (isEntryStart(lines, i) && (fields === undefined || inDescription)) {
      finish();
      fields = new Map();
      startLine = i + 1;
      inDescription = false;
    }
    if (fields === undefined) {
      if (line.trim() === "") return;
      throw new ParseError(source, `line ${i + 1} comes before any "Name :" line: "${line.slice(0, 120)}"`);
    }
    // The Description is free text (a PGP key block for gpg-pubkey, with its own "Version:" line): not fields.
    if (inDescription) return;
    const field = FIELD.exec(line);
    if (field === null) {
      if (line.trim() === "") return;
      throw new ParseError(source, `line ${i + 1} is not a "Label : value" line: "${line.slice(0, 120)}"`);
    }
    const key = (field[1] ?? "").toLowerCase();
    if (key === "description") inDescription = true;
    else fields.set(key, (field[2] ?? "").trim());
  });
  finish();
  return packages;
}

/** "Name        : x" followed by a Version (or Epoch) line: where one package's entry begins. */
function isEntryStart(lines: readonly string[], i: number): boolean {
  if (!/^Name\s+: \S/.test(lines[i] ?? "")) return false;
  return /^(?:Epoch|Version)\s+: /.test(lines[i + 1] ?? "");
}

const NEVRA = /^(.+)-(?:(\d+):)?([^-:]+)-([^-]+)\.([A-Za-z0-9_]+)$/;
const RPM_ARCHES = new Set(["x86_64", "noarch", "i386", "i486", "i586", "i686", "aarch64", "ppc64le", "ppc64", "s390x", "armv7hl", "armv7l", "armhfp", "riscv64", "src"]);

/** Plain `rpm -qa`: name-[epoch:]version-release.arch; gpg-pubkey has no arch. */
export function parseRpmNevra(text: string, source = "rpm -qa"): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  text.split("\n").forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "") return;
    const m = NEVRA.exec(trimmed);
    if (m !== null && RPM_ARCHES.has(m[5] ?? "")) {
      packages.push(toPackage(m[1] ?? "", m[2], m[3] ?? "", m[4] ?? "", m[5]));
      return;
    }
    const noArch = /^(.+)-(?:(\d+):)?([^-:]+)-([^-]+)$/.exec(trimmed);
    if (noArch === null) throw new ParseError(source, `line ${i + 1} is not name-version-release.arch: "${trimmed.slice(0, 120)}"`);
    packages.push(toPackage(noArch[1] ?? "", noArch[2], noArch[3] ?? "", noArch[4] ?? ""));
  });
  return packages;
}
