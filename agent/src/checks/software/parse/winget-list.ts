// `winget list`: a console table cut at its header's display columns, headers localized, long cells cut with "…".
import { ParseError } from "../../../runner/parse-error.js";
import { cutAtColumns, tokenColumns } from "../../../platform/win32/display-width.js";

export interface WingetRow {
  name: string;
  id: string;
  /** "" when winget says Unknown. */
  version: string;
  available?: string;
  /** The catalog it matched (winget, msstore); none for programs no catalog knows. */
  source?: string;
  /** winget cut the cell to fit and ended it with "…": only its start is known. */
  nameTruncated: boolean;
  idTruncated: boolean;
}

const RULE = /^-{10,}\s*$/;
const ELLIPSIS = "\u2026";

/**
 * Columns are found where the header's words start, counted in display cells (a CJK character
 * takes two), never by splitting rows on spaces: names and ids contain spaces. The header words
 * are localized, so columns are known by position: Name, Id, Version, then Available and/or
 * Source (a 4th column is Available when its cells are versions). Progress-spinner lines before
 * the table are skipped; a blank line ends a table, and another table may follow.
 */
export function parseWingetList(text: string, source: string): WingetRow[] {
  const lines = text.split("\n");
  const rows: WingetRow[] = [];
  let tables = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!RULE.test(lines[i] as string)) continue;
    const headerIndex = previousContentLine(lines, i);
    if (headerIndex < 0) throw new ParseError(source, `line ${i + 1}: a dashed rule with no header above it`);
    const columns = tokenColumns(lines[headerIndex] as string).map((t) => t.column);
    if (columns.length < 3) throw new ParseError(source, `line ${headerIndex + 1}: expected at least Name, Id and Version columns`);
    const body: string[][] = [];
    let j = i + 1;
    for (; j < lines.length && (lines[j] as string).trim() !== ""; j++)
      body.push(cutAtColumns(lines[j] as string, columns).map((c) => c.trim()));
    tables++;
    const fourthIsAvailable = columns.length === 4 && body.every((cells) => cells[3] === "" || /^[<>]?\s*\d/.test(cells[3] as string));
    body.forEach((cells, k) => rows.push(toRow(cells, columns.length, fourthIsAvailable, source, i + k + 2)));
    i = j;
  }
  if (tables === 0) throw new ParseError(source, "no table (a header line followed by a dashed rule) in the output");
  return rows;
}

function toRow(cells: string[], columnCount: number, fourthIsAvailable: boolean, source: string, lineNo: number): WingetRow {
  const [name = "", id = "", version = ""] = cells;
  if (name === "" || id === "") throw new ParseError(source, `line ${lineNo}: a row without a name or an id`);
  const row: WingetRow = {
    name: stripEllipsis(name),
    id: stripEllipsis(id),
    version: /^unknown$/i.test(version) ? "" : version,
    nameTruncated: name.endsWith(ELLIPSIS),
    idTruncated: id.endsWith(ELLIPSIS),
  };
  const available = columnCount >= 5 || fourthIsAvailable ? cells[3] : undefined;
  const catalog = columnCount >= 5 ? cells[4] : columnCount === 4 && !fourthIsAvailable ? cells[3] : undefined;
  if (available !== undefined && available !== "") row.available = available;
  if (catalog !== undefined && catalog !== "") row.source = catalog;
  return row;
}

function stripEllipsis(cell: string): string {
  return cell.endsWith(ELLIPSIS) ? cell.slice(0, -1).trimEnd() : cell;
}

function previousContentLine(lines: readonly string[], index: number): number {
  for (let i = index - 1; i >= 0; i--) if ((lines[i] as string).trim() !== "") return i;
  return -1;
}
