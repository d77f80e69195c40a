// `dpkg-query -W -f=…` with tab-separated fields, whichever fields were asked for: the columns are recognised by their content.
import { ParseError } from "../../../runner/parse-error.js";
import {
  DPKG_VERSION,
  PACKAGE_NAME,
  isArch,
  isInstalledState,
  isSourceField,
  isStatus,
  sourceName,
  splitQualifier,
  type DpkgPackage,
} from "./dpkg-common.js";

interface Columns {
  status?: number;
  name: number;
  version: number;
  arch?: number;
  maintainer?: number;
  source?: number;
}

const MOSTLY = 0.9;

/** Rows of `dpkg-query -W` output; fields are told apart by content, so any -f with tabs and a name and version works. */
export function parseDpkgQuery(text: string, source = "dpkg-query -W"): DpkgPackage[] {
  const rows = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => line.split("\t"));
  if (rows.length === 0) return [];
  const columns = recogniseColumns(rows, source);
  const packages: DpkgPackage[] = [];
  rows.forEach((fields, i) => {
    const need = Math.max(columns.name, columns.version, columns.status ?? 0, columns.arch ?? 0);
    if (fields.length <= need)
      throw new ParseError(
        source,
        `line ${i + 1} has ${fields.length} fields, expected at least ${need + 1}: "${fields.join("\\t").slice(0, 120)}"`,
      );
    if (columns.status !== undefined && !isInstalledState(fields[columns.status] ?? "")) return;
    const binaryPackage = (fields[columns.name] ?? "").trim();
    const { name, qualifier } = splitQualifier(binaryPackage);
    const version = (fields[columns.version] ?? "").trim();
    if (!PACKAGE_NAME.test(binaryPackage))
      throw new ParseError(source, `line ${i + 1}: "${binaryPackage.slice(0, 80)}" is not a package name`);
    const pkg: DpkgPackage = { name, version, source: "dpkg" };
    const arch = columns.arch !== undefined ? (fields[columns.arch] ?? "").trim() : qualifier;
    if (arch !== undefined && arch !== "") pkg.arch = arch;
    const maintainer = columns.maintainer !== undefined ? (fields[columns.maintainer] ?? "").trim() : "";
    if (maintainer !== "") pkg.publisher = maintainer;
    if (qualifier !== undefined) pkg.binaryPackage = binaryPackage;
    const from = columns.source !== undefined ? sourceName(fields[columns.source] ?? "") : undefined;
    if (from !== undefined && from !== name) pkg.sourcePackage = from;
    packages.push(pkg);
  });
  return packages;
}

function share(rows: readonly string[][], column: number, test: (value: string) => boolean): number {
  let hits = 0;
  for (const row of rows) if (test((row[column] ?? "").trim())) hits++;
  return hits / rows.length;
}

function recogniseColumns(rows: readonly string[][], source: string): Columns {
  const width = Math.max(...rows.map((r) => r.length));
  const taken = new Set<number>();
  const find = (test: (value: string) => boolean, threshold = MOSTLY): number | undefined => {
    for (let c = 0; c < width; c++) {
      if (!taken.has(c) && share(rows, c, test) >= threshold) {
        taken.add(c);
        return c;
      }
    }
    return undefined;
  };
  const status = find((v) => isStatus(v));
  const arch = find((v) => isArch(v));
  // Versions also look like package names ("3.134"): names are the column that mostly starts with a letter.
  const name = find((v) => PACKAGE_NAME.test(v) && /^[a-z]/.test(v), 0.5);
  if (name === undefined) throw new ParseError(source, "no column of package names (expected tab-separated dpkg-query -W output)");
  const version = find((v) => DPKG_VERSION.test(v));
  if (version === undefined) throw new ParseError(source, "no column of package versions (expected tab-separated dpkg-query -W output)");
  // `Name <address>` (sometimes `Name <https://…>`); ${Source} ("glibc (2.36-9)") has no angle brackets.
  const maintainer = find((v) => /^[^<>]*<[^<>\s]+>$/.test(v), 0.5);
  // ${Source} is empty when the source is named like the package ("nmap"), else a name with an optional "(version)":
  // a column of such values with both kinds in it (a column of section names is never partly empty).
  const sourceColumn = find((v) => isSourceField(v), 1);
  const columns: Columns = { name, version };
  if (sourceColumn !== undefined && share(rows, sourceColumn, (v) => v === "") > 0 && share(rows, sourceColumn, (v) => v !== "") > 0)
    columns.source = sourceColumn;
  if (status !== undefined) columns.status = status;
  if (arch !== undefined) columns.arch = arch;
  if (maintainer !== undefined) columns.maintainer = maintainer;
  return columns;
}
