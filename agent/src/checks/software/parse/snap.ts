// `snap list` (and `snap list --all`, `snap refresh --list`): one row per snap revision under a header; no value contains spaces.
import { ParseError } from "../../../runner/parse-error.js";
import type { InstalledPackage } from "../facts.js";

/** One installed snap. `publisher` is the store account (verification mark removed); absent for `-` (no store account). */
export interface SnapPackage extends InstalledPackage {
  source: "snap";
  /** The store marks the publisher verified (`✓`, or `**`/`*` where the terminal has no Unicode). */
  verified?: true;
  /** Not from the store: installed with `snap try` or from a local file (revision `x1`, no publisher). */
  local?: true;
  /** A base, the core runtime, snapd itself, a kernel or a gadget (Notes): part of the system, not an application. */
  system?: true;
}

/** Columns as snapd names them; older snapd had Developer where newer has Tracking and Publisher. */
const KNOWN_HEADERS: readonly (readonly string[])[] = [
  ["name", "version", "rev", "tracking", "publisher", "notes"],
  ["name", "version", "rev", "size", "publisher", "notes"],
  ["name", "version", "rev", "developer", "notes"],
];
/** Verified publisher marks: `✓`, and `**` (snapd ≥ 2.46) or `*` (older) without Unicode. `✪` (starred) is not verification. */
const VERIFIED_MARK = /(?:✓|\*{1,2})$/u;
const STARRED_MARK = /✪$/u;
const SYSTEM_TYPES = new Set(["base", "core", "snapd", "kernel", "gadget"]);

/** Active snaps. Disabled revisions that `--all` lists (Notes containing "disabled") are skipped. */
export function parseSnapList(text: string, source = "snap list"): SnapPackage[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const [header, ...rows] = lines;
  if (header === undefined) return [];
  // "No snaps are installed yet." goes to stderr, but a recorded bundle may hold it anywhere.
  if (/^No snaps/i.test(header.trim())) return [];
  const titles = header
    .trim()
    .split(/\s+/)
    .map((t) => t.toLowerCase());
  const columns = columnsOf(titles, source);
  const packages: SnapPackage[] = [];
  rows.forEach((row, i) => {
    const cells = row.trim().split(/\s+/);
    if (cells.length !== titles.length) {
      throw new ParseError(source, `row ${i + 1} has ${cells.length} columns, the header ${titles.length}: "${row.slice(0, 120)}"`);
    }
    const notes = (cells[columns.notes] ?? "").split(",");
    if (notes.includes("disabled")) return;
    const name = cells[columns.name] ?? "";
    if (!/^[a-z0-9][a-z0-9-]*(?:_[a-z0-9]+)?$/.test(name))
      throw new ParseError(source, `row ${i + 1}: "${name.slice(0, 80)}" is not a snap name`);
    const pkg: SnapPackage = { name, version: cells[columns.version] ?? "", source: "snap" };
    const marked = cells[columns.publisher] ?? "";
    const publisher = marked.replace(VERIFIED_MARK, "").replace(STARRED_MARK, "");
    if (publisher !== "" && publisher !== "-") pkg.publisher = publisher;
    if (VERIFIED_MARK.test(marked) && pkg.publisher !== undefined) pkg.verified = true;
    if (pkg.publisher === undefined || notes.includes("try") || /^x\d+$/.test(cells[2] ?? "")) pkg.local = true;
    if (notes.some((n) => SYSTEM_TYPES.has(n))) pkg.system = true;
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
  const candidates = KNOWN_HEADERS.filter((h) => h.length === titles.length);
  const [first] = candidates;
  if (first === undefined)
    throw new ParseError(
      source,
      `expected a header of 5 or 6 columns (Name Version Rev Tracking Publisher Notes), got "${titles.join(" ")}"`,
    );
  // English headers are checked; translated ones (snapd is localized) are taken in snapd's fixed column order.
  const english = titles[0] === "name";
  const expected = english ? candidates.find((h) => h.join(" ") === titles.join(" ")) : first;
  if (expected === undefined) throw new ParseError(source, `unexpected columns "${titles.join(" ")}"`);
  const publisher = expected.includes("publisher") ? expected.indexOf("publisher") : expected.indexOf("developer");
  return { name: 0, version: 1, publisher, notes: expected.length - 1 };
}
