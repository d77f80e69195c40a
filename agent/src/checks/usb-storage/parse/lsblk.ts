// lsblk output of any util-linux version -> block devices: JSON, pairs (-P), raw (-r) or the human table/tree.
import { ParseError } from "../../../runner/parse-error.js";
import { unescapeHex } from "./escapes.js";
import { isHeaderLine, parseAlignedTable } from "./util-linux-table.js";

export type LsblkFormat = "json" | "pairs" | "raw" | "table";

export interface BlockDevice {
  /** Kernel name without /dev/ (sdb, sdb1, dm-0): the key other sources use. */
  kname: string;
  /** lsblk's NAME without a /dev/ or /dev/mapper/ prefix (centos-root for dm-0). */
  name: string;
  /** Kernel names of the devices this one sits on (its disk for a partition); empty at the top. */
  parents: string[];
  majMin?: string;
  /** disk, part, rom, loop, lvm, crypt, … */
  type?: string;
  /** undefined: TRAN was not in the output; null: it was, and empty (virtio, loop, …). */
  tran?: string | null;
  removable?: boolean;
  hotplug?: boolean;
  /** Bytes; null when lsblk printed an empty size (no medium); undefined when SIZE was not asked for. */
  size?: number | null;
  vendor?: string;
  model?: string;
  serial?: string;
  /** Where it is mounted ([SWAP] for swap); empty when not mounted or when no mount column was asked for. */
  mountpoints: string[];
}

export interface LsblkOutput {
  format: LsblkFormat;
  /** Upper-case column names the output carried (decides what an absent value means). */
  columns: string[];
  devices: BlockDevice[];
}

/** lsblk's right-aligned columns (numbers and flags), as libsmartcols lays them out. */
const RIGHT_ALIGNED = new Set([
  "RM",
  "RO",
  "SIZE",
  "RA",
  "HOTPLUG",
  "ROTA",
  "RAND",
  "ALIGNMENT",
  "MIN-IO",
  "OPT-IO",
  "PHY-SEC",
  "LOG-SEC",
  "RQ-SIZE",
  "DISC-ALN",
  "DISC-GRAN",
  "DISC-MAX",
  "DISC-ZERO",
  "WSAME",
  "REV",
  "FSAVAIL",
  "FSSIZE",
  "FSUSED",
  "FSUSE%",
  "DAX",
  "START",
  "SEQ",
  "DISK-SEQ",
  "ZONE-SZ",
  "ZONE-WGRAN",
  "ZONE-APP",
  "ZONE-NR",
  "ZONE-OMAX",
  "ZONE-AMAX",
]);

/** What `lsblk` prints with no -o: the columns a header-less (-n) table is assumed to have. */
const DEFAULT_ROW =
  /^(?<name>\S+)\s+(?<majmin>\d+:\d+)\s+(?<rm>[01])\s+(?:(?<size>\S+)\s+)?(?<ro>[01])\s+(?<type>[a-z][\w-]*)(?:\s+(?<mount>.*?))?\s*$/;

type Fields = Record<string, unknown>;

interface RawDevice {
  fields: Fields;
  /** Tree parent (JSON children or drawn tree), when the output is a tree. */
  treeParent?: RawDevice;
}

export function parseLsblk(text: string, source = "lsblk"): LsblkOutput {
  const trimmed = text.trim();
  if (trimmed === "") return { format: "table", columns: [], devices: [] };
  if (trimmed.startsWith("{")) return fromRaw("json", ...readJson(trimmed, source), source);
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const first = lines[0] ?? "";
  if (/^\s*[A-Z][A-Z0-9:%_.-]*="/.test(first)) return fromRaw("pairs", ...readPairs(lines, source), source);
  if (isHeaderLine(first)) {
    const headers = first.trim().split(/\s+/);
    if (!headers.some((h) => h === "NAME" || h === "KNAME" || h === "PATH"))
      throw new ParseError(source, `header has no NAME, KNAME or PATH column: ${JSON.stringify(first)}`);
    const raw = readRaw(lines, headers);
    if (raw !== undefined) return fromRaw("raw", raw, headers, source);
    return fromRaw("table", ...readTable(lines, source), source);
  }
  return fromRaw("table", ...readHeaderless(lines, source), source);
}

function readJson(text: string, source: string): [RawDevice[], string[]] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ParseError(source, `invalid JSON: ${(error as Error).message}`);
  }
  const list = (doc as { blockdevices?: unknown } | null)?.blockdevices;
  if (!Array.isArray(list))
    throw new ParseError(source, `expected a "blockdevices" array, got ${list === undefined ? "none" : typeof list}`);
  const devices: RawDevice[] = [];
  const columns = new Set<string>();
  const walk = (items: unknown[], parent: RawDevice | undefined, path: string): void => {
    for (const [i, item] of items.entries()) {
      if (item === null || typeof item !== "object" || Array.isArray(item)) throw new ParseError(source, `${path}[${i}] is not an object`);
      const fields: Fields = {};
      for (const [key, value] of Object.entries(item)) {
        if (key === "children") continue;
        fields[key.toUpperCase()] = value;
        columns.add(key.toUpperCase());
      }
      const device: RawDevice = parent === undefined ? { fields } : { fields, treeParent: parent };
      devices.push(device);
      const children = (item as { children?: unknown }).children;
      if (children === undefined) continue;
      if (!Array.isArray(children)) throw new ParseError(source, `${path}[${i}].children is not an array`);
      walk(children, device, `${path}[${i}].children`);
    }
  };
  walk(list, undefined, "blockdevices");
  return [devices, [...columns]];
}

function readPairs(lines: readonly string[], source: string): [RawDevice[], string[]] {
  const columns = new Set<string>();
  const devices = lines.map((line, i) => {
    const fields: Fields = {};
    const rest = line.replace(/\s*([A-Za-z][A-Za-z0-9:%_.-]*)="((?:[^"\\]|\\.)*)"/g, (_whole, key: string, value: string) => {
      // util-linux ≥ 2.37 may spell MAJ:MIN as MAJ_MIN so that the pairs can be eval'ed by a shell.
      const name = key.toUpperCase() === "MAJ_MIN" ? "MAJ:MIN" : key.toUpperCase();
      fields[name] = unescapeHex(value);
      columns.add(name);
      return "";
    });
    if (rest.trim() !== "" || Object.keys(fields).length === 0)
      throw new ParseError(source, `line ${i + 1} is not KEY="value" pairs: ${JSON.stringify(line.slice(0, 120))}`);
    return { fields };
  });
  return [devices, [...columns]];
}

/** `lsblk -r`: single spaces between cells, empty cells as nothing, spaces inside values as \x20. */
function readRaw(lines: readonly string[], headers: readonly string[]): RawDevice[] | undefined {
  const [header, ...body] = lines;
  if (header === undefined || / {2}/.test(header.trimEnd()) || body.length === 0) return undefined;
  const rows = body.map((l) => l.split(" "));
  if (!rows.every((cells) => cells.length === headers.length)) return undefined;
  return rows.map((cells) => ({ fields: Object.fromEntries(headers.map((h, i) => [h, unescapeHex(cells[i] ?? "")])) }));
}

function readTable(lines: readonly string[], source: string): [RawDevice[], string[]] {
  const headers = (lines[0] ?? "").trim().split(/\s+/);
  // The tree is drawn in NAME; without NAME, the first column tells rows from continuation lines.
  const treeColumn = headers.includes("NAME") ? "NAME" : (headers[0] ?? "NAME");
  const table = parseAlignedTable(lines, { source, rightAligned: RIGHT_ALIGNED, treeColumn });
  return [linkTree(table.rows.map((r) => ({ fields: r.cells, depth: r.depth }))), table.headers];
}

function readHeaderless(lines: readonly string[], source: string): [RawDevice[], string[]] {
  const rows: { fields: Fields; depth: number }[] = [];
  for (const [i, line] of lines.entries()) {
    const split = /^((?:├─|└─|│ |\|-|`-|\| | {2})*)(.*)$/.exec(line);
    const body = split?.[2] ?? line;
    const depth = (split?.[1]?.length ?? 0) / 2;
    const m = DEFAULT_ROW.exec(body);
    const previous = rows[rows.length - 1];
    if (m?.groups === undefined) {
      // A wrapped MOUNTPOINTS cell: only a path (after blank or tree-drawing columns).
      const wrapped = /^[\s│|]+(\/.*|\[SWAP\])\s*$/.exec(line)?.[1];
      if (wrapped !== undefined && previous !== undefined) {
        const before = previous.fields.MOUNTPOINTS;
        previous.fields.MOUNTPOINTS = `${typeof before === "string" ? before : ""}\n${wrapped}`;
        continue;
      }
      throw new ParseError(
        source,
        `line ${i + 1} is neither a header nor a NAME MAJ:MIN RM SIZE RO TYPE row: ${JSON.stringify(line.slice(0, 120))}`,
      );
    }
    const g = m.groups;
    rows.push({
      depth,
      fields: { NAME: g.name, "MAJ:MIN": g.majmin, RM: g.rm, SIZE: g.size ?? "", RO: g.ro, TYPE: g.type, MOUNTPOINTS: g.mount ?? "" },
    });
  }
  return [linkTree(rows), ["NAME", "MAJ:MIN", "RM", "SIZE", "RO", "TYPE", "MOUNTPOINTS"]];
}

/** Parent of a drawn row: the nearest row above it one level up. */
function linkTree(rows: readonly { fields: Fields; depth: number }[]): RawDevice[] {
  const stack: RawDevice[] = [];
  return rows.map((row) => {
    const parent = row.depth > 0 ? stack[row.depth - 1] : undefined;
    const device: RawDevice = parent === undefined ? { fields: row.fields } : { fields: row.fields, treeParent: parent };
    stack.length = row.depth;
    stack[row.depth] = device;
    return device;
  });
}

function fromRaw(format: LsblkFormat, raw: RawDevice[], columns: string[], source: string): LsblkOutput {
  const knameOf = new Map<RawDevice, string>();
  for (const [i, r] of raw.entries()) {
    const kname = baseName(text(r.fields.KNAME) ?? text(r.fields.NAME) ?? text(r.fields.PATH));
    if (kname === undefined) throw new ParseError(source, `device ${i + 1} has no NAME, KNAME or PATH`);
    knameOf.set(r, kname);
  }
  // A device under several parents (a RAID or LVM volume over two disks) appears once per parent: merge them.
  const byKname = new Map<string, BlockDevice>();
  for (const r of raw) {
    const kname = knameOf.get(r) ?? "";
    const parents = parentsOf(r, knameOf);
    const seen = byKname.get(kname);
    if (seen !== undefined) {
      for (const p of parents) if (!seen.parents.includes(p)) seen.parents.push(p);
      continue;
    }
    byKname.set(kname, toDevice(r.fields, kname, parents, columns, source));
  }
  const devices = [...byKname.values()];
  inferPartitionParents(devices);
  return { format, columns, devices };
}

/**
 * Flat listings (-P, -r, -l) without PKNAME say nothing about parents, but lsblk still prints a
 * partition after its disk and names it after it: sdd1 under sdd, nvme0n1p2 under nvme0n1.
 */
function inferPartitionParents(devices: BlockDevice[]): void {
  for (const [i, device] of devices.entries()) {
    if (device.parents.length > 0 || (device.type !== undefined && device.type !== "part")) continue;
    for (let j = i - 1; j >= 0; j--) {
      const candidate = devices[j];
      if (candidate === undefined || candidate.type === "part") continue;
      const rest = device.kname.startsWith(candidate.kname) ? device.kname.slice(candidate.kname.length) : undefined;
      // The kernel puts a "p" between a disk name ending in a digit and the partition number.
      const pattern = /\d$/.test(candidate.kname) ? /^p\d+$/ : /^\d+$/;
      if (rest !== undefined && pattern.test(rest)) {
        device.parents.push(candidate.kname);
        break;
      }
    }
  }
}

function parentsOf(r: RawDevice, knameOf: ReadonlyMap<RawDevice, string>): string[] {
  if (r.treeParent !== undefined) return [knameOf.get(r.treeParent) ?? ""];
  const pk = baseName(text(r.fields.PKNAME));
  return pk === undefined ? [] : [pk];
}

function toDevice(f: Fields, kname: string, parents: string[], columns: readonly string[], source: string): BlockDevice {
  const device: BlockDevice = { kname, name: baseName(text(f.NAME)) ?? kname, parents, mountpoints: mountpointsOf(f) };
  const majMin = text(f["MAJ:MIN"]);
  if (majMin !== undefined) device.majMin = majMin;
  const type = text(f.TYPE);
  if (type !== undefined) device.type = type;
  if (columns.includes("TRAN")) device.tran = text(f.TRAN)?.toLowerCase() ?? null;
  const removable = flag(f.RM, "RM", source);
  if (removable !== undefined) device.removable = removable;
  const hotplug = flag(f.HOTPLUG, "HOTPLUG", source);
  if (hotplug !== undefined) device.hotplug = hotplug;
  if (columns.includes("SIZE")) device.size = parseSize(f.SIZE);
  for (const key of ["vendor", "model", "serial"] as const) {
    const value = text(f[key.toUpperCase()]);
    if (value !== undefined) device[key] = value;
  }
  return device;
}

function mountpointsOf(f: Fields): string[] {
  // MOUNTPOINTS (util-linux ≥ 2.37) is a JSON array or "\n"-joined text; older versions only have MOUNTPOINT; -O prints both.
  const values: unknown[] = [];
  for (const cell of [f.MOUNTPOINTS, f.MOUNTPOINT]) {
    if (Array.isArray(cell)) values.push(...(cell as unknown[]));
    else if (typeof cell === "string") values.push(...cell.split("\n"));
  }
  const result: string[] = [];
  for (const v of values) if (typeof v === "string" && v.trim() !== "" && !result.includes(v.trim())) result.push(v.trim());
  return result;
}

/** Text of a cell: trimmed, undefined when empty or null (lsblk pads VENDOR/MODEL with spaces). */
function text(value: unknown): string | undefined {
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") return undefined;
  const t = value.trim();
  return t === "" ? undefined : t;
}

function baseName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  return name.replace(/^\/dev\/(?:mapper\/)?/, "");
}

function flag(value: unknown, column: string, source: string): boolean | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (value === true || value === 1 || value === "1" || value === "true") return true;
  if (value === false || value === 0 || value === "0" || value === "false") return false;
  throw new ParseError(source, `${column} should be 0/1 or a boolean, got ${JSON.stringify(value)}`);
}

const UNIT = { B: 0, K: 1, M: 2, G: 3, T: 4, P: 5, E: 6, Z: 7, Y: 8 } as const;

/**
 * A SIZE cell in bytes: a number (-b), digits, or lsblk's human form (`28.7G`, `1024M`, `0B`, and
 * `28,7G` under a comma-decimal locale), powers of 1024. Empty or null means no medium (null).
 */
export function parseSize(value: unknown): number | null | undefined {
  if (value === null || value === "") return null;
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = /^(\d+(?:[.,]\d+)?)\s*([BKMGTPEZY])?(?:i?B)?$/i.exec(value.trim());
  if (m === null) return undefined;
  const amount = Number((m[1] ?? "").replace(",", "."));
  const unit = (m[2] ?? "B").toUpperCase() as keyof typeof UNIT;
  return Math.round(amount * 1024 ** UNIT[unit]);
}
