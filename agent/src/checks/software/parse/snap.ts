// `snap list` (and `snap list --all`): one row per snap revision under a header; no value contains spaces.
import { ParseError } from "../../../runner/parse-error.js";
import type { InstalledPackage } from "../facts.js";

/** Columns as snapd names them; older snapd had Developer where newer has Tracking and Publisher. */
const KNOWN_HEADERS: Readonly<Record<string, string[]>> = {
  6: ["name", "version", "rev", "tracking", "publisher", "notes"],
  5: ["name", "version", "rev", "developer", "notes"],
};

/**
 * Active snaps. Disabled revisions that `--all` lists (Notes containing "disabled") are skipped. The publisher's
 * verification mark (`canonical✓`, `canonical**` without UTF-8, a `✪` or `*` star) is dropped; `-` means none.
 */
export function parseSnapList(text: string, source = "snap list"): InstalledPackage[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const [header, ...rows] = lines;
  if (header === undefined) return [];
  // "No snaps are installed yet." goes to stderr, but a recorded bundle may hold it anywhere.
  if (/^No snaps/i.test(header.trim())) return [];
  const titles = header.trim().split(/\s+/).map((t) => t.toLowerCase());
  const columns = columnsOf(titles, source);
  const packages: InstalledPackage[] = [];
  rows.forEach((row, i) => {
    const cells = row.trim().split(/\s+/);
    if (cells.length !== titles.length) {
      throw new ParseError(source, `row ${i + 1} has ${cells.length} columns, the header ${titles.length}: "${row.slice(0, 120)}"`);
    }
    const notes = (cells[columns.notes] ?? "").split(",");
    if (notes.includes("disabled")) return;
    const name = cells[columns.name] ?? "";
    if (!/^[a-z0-9][a-z0-9-]*(?:_[a-z0-9]+)?$/.test(name)) throw new ParseError(source, `row ${i + 1}: "${name.slice(0, 80)}" is not a snap name`);
    const pkg: InstalledPackage = { name, version: cells[columns.version] ?? "", source: "snap" };
    const publisher = (cells[columns.publisher] ?? "").replace(/(?:✓|✪|\*{1,2})$/u, "");
    if (publisher !== "" && publisher !== "-") pkg.publisher = publisher;
    packages.push(pkg);
  });
  return packages;
}

interface Columns {
  name: number;
  version: number;
  publisher: number;
  notes: number;
}

function columnsOf(titles: readonly string[], source: string): Columns {
  const expected = KNOWN_HEADERS[titles.length];
  if (expected === undefined) throw new ParseError(source, `expected a header of 5 or 6 columns (Name Version Rev Tracking Publisher Notes), got "${titles.join(" ")}"`);
  // English headers are checked; translated ones (snapd is localized) are taken in snapd's fixed column order.
  const english = titles[0] === "name";
  if (english && titles.join(" ") !== expected.join(" ")) throw new ParseError(source, `unexpected columns "${titles.join(" ")}"`);
  const publisher = expected.includes("publisher") ? expected.indexOf("publisher") : expected.indexOf("developer");
  return { name: 0, version: 1, publisher, notes: expected.length - 1 };
}
