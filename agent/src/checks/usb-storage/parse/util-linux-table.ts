// Reads util-linux's human tables (lsblk, findmnt): cells by header position, tree prefixes, wrapped cells.
import { ParseError } from "../../../runner/parse-error.js";

export interface TableRow {
  /** Cell text by header name; a cell wrapped over continuation lines is joined with "\n". */
  cells: Record<string, string>;
  /** Depth in the tree drawn in the tree column (0 at the root, or when there is no tree). */
  depth: number;
}

export interface TableOptions {
  /** Names the error when the table cannot be read, e.g. `lsblk`. */
  source: string;
  /** Columns libsmartcols right-aligns (numbers): their cells end where their header ends. */
  rightAligned: ReadonlySet<string>;
  /** The column the tree is drawn in (lsblk NAME, findmnt TARGET); continuation lines have it blank. */
  treeColumn: string;
}

interface Column {
  name: string;
  start: number;
  end: number;
  right: boolean;
}

interface Token {
  start: number;
  end: number;
}

/** Tree drawing, two characters per level: UTF-8 (`├─`, `└─`, `│ `) or ASCII (`|-`, `` `- ``, `| `). */
const TREE_UNIT = /^(?:├─|└─|│ |\|-|`-|\| | {2})/;

/** Splits a tree cell into its depth and the name after the drawing. */
export function splitTreePrefix(cell: string): { depth: number; rest: string } {
  let rest = cell;
  let depth = 0;
  for (let m = TREE_UNIT.exec(rest); m !== null; m = TREE_UNIT.exec(rest)) {
    rest = rest.slice(2);
    depth++;
  }
  // A lone trailing vertical bar is what a continuation line draws for an open branch.
  return { depth, rest: rest.replace(/^[│|]$/, "").trim() };
}

/** Header words: upper-case column names such as NAME, MAJ:MIN, FSUSE%, DISC-GRAN. */
export function isHeaderLine(line: string): boolean {
  return /^[A-Z][A-Z0-9:%_.-]*(?:\s+[A-Z][A-Z0-9:%_.-]*)*\s*$/.test(line);
}

/**
 * Reads an aligned table whose first line is the header. Cells may hold spaces and may be empty,
 * so words are attached to the column whose header they sit under: a left-aligned column starts
 * at its header and grows right, a right-aligned one ends at its header and grows left.
 */
export function parseAlignedTable(lines: readonly string[], options: TableOptions): { headers: string[]; rows: TableRow[] } {
  const [header, ...body] = lines;
  if (header === undefined || !isHeaderLine(header))
    throw new ParseError(options.source, `expected a header line of column names, got ${quote(header ?? "")}`);
  const columns = tokens(header).map((t) => {
    const name = header.slice(t.start, t.end);
    return { name, start: t.start, end: t.end, right: options.rightAligned.has(name) };
  });
  const treeIndex = columns.findIndex((c) => c.name === options.treeColumn);
  const rows: TableRow[] = [];
  for (const [i, line] of body.entries()) {
    if (line.trim() === "") continue;
    const byColumn = new Map<number, Token[]>();
    for (const token of tokens(line)) {
      const index = columnOf(columns, token);
      byColumn.set(index, [...(byColumn.get(index) ?? []), token]);
    }
    const cells: Record<string, string> = {};
    let depth = 0;
    let continuation = false;
    for (const [index, column] of columns.entries()) {
      const found = byColumn.get(index);
      const first = found?.[0];
      const last = found?.[found.length - 1];
      if (index === treeIndex) {
        // The tree column keeps its leading drawing: it starts at the header, like every left-aligned column.
        const raw = last === undefined ? "" : line.slice(Math.min(column.start, first?.start ?? column.start), last.end);
        const split = splitTreePrefix(raw);
        depth = split.depth;
        cells[column.name] = split.rest;
        continuation = split.rest === "";
        continue;
      }
      cells[column.name] = first === undefined || last === undefined ? "" : line.slice(first.start, last.end);
    }
    if (continuation) {
      const previous = rows[rows.length - 1];
      if (previous === undefined)
        throw new ParseError(options.source, `line ${i + 2} continues a row but no row precedes it: ${quote(line)}`);
      for (const [name, value] of Object.entries(cells)) {
        if (value === "" || name === options.treeColumn) continue;
        previous.cells[name] =
          previous.cells[name] === undefined || previous.cells[name] === "" ? value : `${previous.cells[name]}\n${value}`;
      }
      continue;
    }
    rows.push({ cells, depth });
  }
  return { headers: columns.map((c) => c.name), rows };
}

function tokens(line: string): Token[] {
  const found: Token[] = [];
  for (const m of line.matchAll(/\S+/g)) found.push({ start: m.index, end: m.index + m[0].length });
  return found;
}

function columnOf(columns: readonly Column[], token: Token): number {
  const under = columns.findIndex((c) => token.start < c.end && token.end > c.start);
  if (under >= 0) return under;
  // Between two headers: the word belongs to the left column unless that one is right-aligned (it ends at its header).
  const next = columns.findIndex((c) => c.start >= token.end);
  if (next === -1) return columns.length - 1;
  if (next === 0) return 0;
  const left = columns[next - 1];
  return left !== undefined && left.right ? next : next - 1;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
