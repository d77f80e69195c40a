// `/var/lib/dpkg/status` (and `dpkg -s`): RFC-822-style stanzas, one per package, with a Status field.
import { ParseError } from "../../../runner/parse-error.js";
import { STATUS_WORDS, isInstalledState, sourceName, type DpkgPackage } from "./dpkg-common.js";

/** Installed packages of a dpkg status database; stanzas of packages that are not installed are skipped. */
export function parseDpkgStatus(text: string, source = "/var/lib/dpkg/status"): DpkgPackage[] {
  const packages: DpkgPackage[] = [];
  let stanza = new Map<string, string>();
  let stanzaLine = 0;
  let lastKey: string | undefined;
  const finish = (): void => {
    if (stanza.size > 0) {
      const pkg = toPackage(stanza, stanzaLine, source);
      if (pkg !== undefined) packages.push(pkg);
    }
    stanza = new Map();
    lastKey = undefined;
  };
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return finish();
    if (stanza.size === 0) stanzaLine = i + 1;
    if (line.startsWith(" ") || line.startsWith("\t")) {
      // A continuation line (Description, Conffiles): only the first line of a field matters here.
      if (lastKey === undefined) throw new ParseError(source, `line ${i + 1} continues no field`);
      return;
    }
    const field = /^([A-Za-z0-9][A-Za-z0-9-]*):(.*)$/.exec(line);
    if (field === null) throw new ParseError(source, `line ${i + 1} is not a "Field: value" line: "${line.slice(0, 120)}"`);
    lastKey = (field[1] ?? "").toLowerCase();
    stanza.set(lastKey, (field[2] ?? "").trim());
  });
  finish();
  return packages;
}

function toPackage(stanza: ReadonlyMap<string, string>, line: number, source: string): DpkgPackage | undefined {
  const name = stanza.get("package");
  if (name === undefined || name === "") throw new ParseError(source, `the stanza at line ${line} has no Package field`);
  const status = stanza.get("status");
  if (status === undefined) throw new ParseError(source, `package ${name} (line ${line}) has no Status field: not a dpkg status database`);
  if (!STATUS_WORDS.test(status)) throw new ParseError(source, `package ${name} (line ${line}) has an unexpected Status "${status}"`);
  if (!isInstalledState(status)) return undefined;
  const version = stanza.get("version");
  if (version === undefined || version === "") throw new ParseError(source, `installed package ${name} (line ${line}) has no Version`);
  const pkg: DpkgPackage = { name, version, source: "dpkg" };
  const arch = stanza.get("architecture");
  if (arch !== undefined && arch !== "") pkg.arch = arch;
  const maintainer = stanza.get("maintainer");
  if (maintainer !== undefined && maintainer !== "") pkg.publisher = maintainer;
  // ${binary:Package} qualifies Multi-Arch: same packages with their architecture; apt is asked about them that way.
  if (stanza.get("multi-arch") === "same" && arch !== undefined && arch !== "") pkg.binaryPackage = `${name}:${arch}`;
  const from = sourceName(stanza.get("source") ?? "");
  if (from !== undefined && from !== name) pkg.sourcePackage = from;
  return pkg;
}

export function looksLikeDpkgStatus(text: string): boolean {
  return /^Package:\s/m.test(text) && /^Status:\s/m.test(text);
}
