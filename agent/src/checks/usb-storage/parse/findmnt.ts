// findmnt output -> mounts: the default tree, -l lists, -r raw, -P pairs or -J JSON, any column order.
import { ParseError } from "../../../runner/parse-error.js";
import { unescapeHex } from "./escapes.js";
import { isHeaderLine, parseAlignedTable } from "./util-linux-table.js";
import type { MountEntry } from "./mounts.js";

/** findmnt's right-aligned columns (sizes, numbers). */
const RIGHT_ALIGNED = new Set(["SIZE", "AVAIL", "USED", "USE%", "ID", "PARENT", "FREQ", "PASSNO", "MAJ:MIN", "TID"]);

export function parseFindmnt(text: string, source = "findmnt"): MountEntry[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  if (trimmed.startsWith("{")) return fromJson(trimmed, source);
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const first = lines[0] ?? "";
  if (/^\s*[A-Z][A-Z0-9:%_.-]*="/.test(first)) return lines.map((l, i) => toEntry(pairs(l, i, source), source, i));
  if (!isHeaderLine(first))
    throw new ParseError(source, `expected a header such as "TARGET SOURCE FSTYPE OPTIONS", got ${JSON.stringify(first.slice(0, 120))}`);
  const headers = first.trim().split(/\s+/);
  if (!headers.includes("TARGET") || !headers.includes("SOURCE"))
    throw new ParseError(source, `expected TARGET and SOURCE columns, got ${headers.join(" ")}`);
  const raw = rawRows(lines, headers);
  if (raw !== undefined) return raw.map((cells, i) => toEntry(cells, source, i));
  const table = parseAlignedTable(lines, { source, rightAligned: RIGHT_ALIGNED, treeColumn: "TARGET" });
  return table.rows.map((r, i) => toEntry(r.cells, source, i));
}

function fromJson(text: string, source: string): MountEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ParseError(source, `invalid JSON: ${(error as Error).message}`);
  }
  const list = (doc as { filesystems?: unknown } | null)?.filesystems;
  if (!Array.isArray(list))
    throw new ParseError(source, `expected a "filesystems" array, got ${list === undefined ? "none" : typeof list}`);
  const entries: MountEntry[] = [];
  const walk = (items: unknown[]): void => {
    for (const item of items) {
      if (item === null || typeof item !== "object") throw new ParseError(source, "a filesystems entry is not an object");
      const cells: Record<string, string> = {};
      for (const [key, value] of Object.entries(item)) if (typeof value === "string") cells[key.toUpperCase()] = value;
      entries.push(toEntry(cells, source, entries.length));
      const children = (item as { children?: unknown }).children;
      if (Array.isArray(children)) walk(children);
    }
  };
  walk(list);
  return entries;
}

function pairs(line: string, index: number, source: string): Record<string, string> {
  const cells: Record<string, string> = {};
  const rest = line.replace(/\s*([A-Za-z][A-Za-z0-9:%_.-]*)="((?:[^"\\]|\\.)*)"/g, (_w, key: string, value: string) => {
    cells[key.toUpperCase()] = unescapeHex(value);
    return "";
  });
  if (rest.trim() !== "") throw new ParseError(source, `line ${index + 1} is not KEY="value" pairs: ${JSON.stringify(line.slice(0, 120))}`);
  return cells;
}

/** `findmnt -r`: cells separated by one space, spaces inside values written as \x20. */
function rawRows(lines: readonly string[], headers: readonly string[]): Record<string, string>[] | undefined {
  const [header, ...body] = lines;
  if (header === undefined || / {2}/.test(header.trimEnd()) || body.length === 0) return undefined;
  const rows = body.map((l) => l.split(" "));
  if (!rows.every((r) => r.length === headers.length)) return undefined;
  return rows.map((r) => Object.fromEntries(headers.map((h, i) => [h, unescapeHex(r[i] ?? "")])));
}

function toEntry(cells: Readonly<Record<string, string>>, source: string, index: number): MountEntry {
  const target = cells.TARGET?.trim();
  const device = cells.SOURCE?.trim();
  if (target === undefined || target === "" || device === undefined)
    throw new ParseError(source, `entry ${index + 1} has no TARGET or SOURCE`);
  // A bind mount shows the directory it binds after the device: /dev/mapper/root[/var/lib/docker].
  const entry: MountEntry = { source: device.replace(/\[[^\]]*\]$/, ""), target };
  if (cells.FSTYPE !== undefined && cells.FSTYPE.trim() !== "") entry.fstype = cells.FSTYPE.trim();
  if (cells.OPTIONS !== undefined && cells.OPTIONS.trim() !== "") entry.options = cells.OPTIONS.trim().split(",");
  return entry;
}
