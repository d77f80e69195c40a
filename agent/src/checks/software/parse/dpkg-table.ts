// `dpkg -l`: the human table. Its ruler line gives the column widths; status letters say what is really installed.
import { ParseError } from "../../../runner/parse-error.js";
import { PACKAGE_NAME, STATUS_ABBREV, isArch, isInstalledState, splitQualifier, type DpkgPackage } from "./dpkg-common.js";

/** `+++-====-====-====-====`: where each column starts and ends. */
const RULER = /^\+\+\+-[=-]+$/;
const ROW = /^([uihrp][ncUiFHWt][ R]?)\s/;

interface Span {
  start: number;
  end: number;
}

/**
 * Rows of `dpkg -l` (any locale: the header words are not read). Columns are cut at the ruler's positions, which
 * copes with names and versions that fill their column; a row that does not fit them is split on whitespace.
 * dpkg cuts values longer than the column, so a version may be shortened: prefer dpkg-query where it runs.
 */
export function parseDpkgTable(text: string, source = "dpkg -l"): DpkgPackage[] {
  const lines = text.split("\n");
  const rulerAt = lines.findIndex((line) => RULER.test(line.trimEnd()));
  const spans = rulerAt >= 0 ? rulerSpans(lines[rulerAt]?.trimEnd() ?? "") : undefined;
  const packages: DpkgPackage[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "" || i <= rulerAt) return;
    const status = ROW.exec(line)?.[1];
    if (status === undefined) {
      // Before any row, a table without a ruler may still have its (localized) header lines.
      if (rulerAt < 0 && packages.length === 0 && /^(\||[^\s|]+=)/.test(line)) return;
      throw new ParseError(source, `line ${i + 1} is not a package row: "${line.slice(0, 120)}"`);
    }
    const cells = (spans !== undefined ? cutAtSpans(line, spans) : undefined) ?? splitOnWhitespace(line);
    if (cells === undefined) throw new ParseError(source, `line ${i + 1} has no name and version: "${line.slice(0, 120)}"`);
    if (!isInstalledState(status)) return;
    const { name, qualifier } = splitQualifier(cells.name);
    if (!PACKAGE_NAME.test(cells.name)) throw new ParseError(source, `line ${i + 1}: "${cells.name.slice(0, 80)}" is not a package name`);
    const pkg: DpkgPackage = { name, version: cells.version, source: "dpkg" };
    const arch = cells.arch ?? qualifier;
    if (arch !== undefined && arch !== "") pkg.arch = arch;
    if (qualifier !== undefined) pkg.binaryPackage = cells.name;
    packages.push(pkg);
  });
  if (rulerAt < 0 && packages.length === 0 && lines.some((l) => l.trim() !== "")) throw new ParseError(source, "no package rows");
  return packages;
}

/** Column spans of the ruler: name, version, then architecture (dpkg ≥ 1.16.2) and description. */
function rulerSpans(ruler: string): Span[] {
  const spans: Span[] = [];
  for (const m of ruler.slice(4).matchAll(/=+/g)) spans.push({ start: 4 + (m.index ?? 0), end: 4 + (m.index ?? 0) + m[0].length });
  return spans;
}

interface Cells {
  name: string;
  version: string;
  arch?: string;
}

function cutAtSpans(line: string, spans: readonly Span[]): Cells | undefined {
  const [nameSpan, versionSpan, third] = spans;
  if (nameSpan === undefined || versionSpan === undefined) return undefined;
  // Each value must start right after a space: otherwise this row is not laid out on the ruler.
  const boundaries = [nameSpan, versionSpan, ...(spans.length >= 4 && third !== undefined ? [third] : [])];
  if (boundaries.some((s) => line.charAt(s.start - 1) !== " " || line.charAt(s.start) === " ")) return undefined;
  const cells: Cells = {
    name: line.slice(nameSpan.start, nameSpan.end).trim(),
    version: line.slice(versionSpan.start, versionSpan.end).trim(),
  };
  if (spans.length >= 4 && third !== undefined) cells.arch = line.slice(third.start, third.end).trim();
  if (cells.name === "" || cells.version === "") return undefined;
  return cells;
}

function splitOnWhitespace(line: string): Cells | undefined {
  const [, name, version, maybeArch] = line.trim().split(/\s+/);
  if (name === undefined || version === undefined) return undefined;
  const cells: Cells = { name, version };
  if (maybeArch !== undefined && isArch(maybeArch)) cells.arch = maybeArch;
  return cells;
}

export function looksLikeDpkgTable(text: string): boolean {
  return (
    /^\+\+\+-=/m.test(text) ||
    /^\|\|\/ /m.test(text) ||
    text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .every((l) => STATUS_ABBREV.test(l.slice(0, 3).trim()) && ROW.test(l))
  );
}
