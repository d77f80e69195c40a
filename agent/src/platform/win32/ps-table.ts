// PowerShell Format-Table output: a header, a dashed underline per column, then rows cut at the column starts.
import { ParseError } from "../../runner/parse-error.js";
import type { PsObject } from "./ps-json.js";

const UNDERLINE = /^[\s-]*-[\s-]*$/;

/** True when the text has the `Header` / `------` pair a Format-Table prints. */
export function looksLikePsTable(text: string): boolean {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines.length >= 2 && UNDERLINE.test(lines[1] as string) && !UNDERLINE.test(lines[0] as string);
}

/**
 * Each dash run marks a column; a cell is the text from its column's start to the next column's
 * start (values are left-aligned under their header, and a header may contain spaces, so the
 * underline, not the words, gives the columns). Blank rows (an object with no value in any
 * column) are kept as empty objects so that callers can count and skip them.
 */
export function parsePsTable(text: string, source: string): PsObject[] {
  const lines = text.split("\n").map((l) => l.replace(/\s+$/, ""));
  const first = lines.findIndex((l) => l.trim() !== "");
  const header = lines[first];
  const underline = lines[first + 1];
  if (first < 0 || header === undefined || underline === undefined || !UNDERLINE.test(underline)) {
    throw new ParseError(source, "expected a table header followed by a line of dashes");
  }
  const columns = [...underline.matchAll(/-+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const names = columns.map((c, i) =>
    header.slice(c.start, i + 1 < columns.length ? (columns[i + 1] as { start: number }).start : undefined).trim(),
  );
  if (names.some((n) => n === "")) throw new ParseError(source, "a dashed column has no header above it");

  // Trailing blank lines end the table; blank lines inside it are rows without values.
  let last = lines.length - 1;
  while (last > first + 1 && (lines[last] as string).trim() === "") last--;
  const rows: PsObject[] = [];
  for (let i = first + 2; i <= last; i++) {
    const line = lines[i] as string;
    const row: PsObject = {};
    columns.forEach((column, c) => {
      const next = columns[c + 1];
      const cell = line.slice(column.start, next === undefined ? undefined : next.start).trim();
      if (cell !== "") row[names[c] as string] = cell;
    });
    if (line.slice(0, (columns[0] as { start: number }).start).trim() !== "") {
      throw new ParseError(source, `line ${i + 1}: text left of the first column: ${JSON.stringify(line.slice(0, 80))}`);
    }
    rows.push(row);
  }
  return rows;
}
