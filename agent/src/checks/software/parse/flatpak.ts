// `flatpak list`: the agent's tab-separated --columns output, and the human tables of every Flatpak version.
import { ParseError } from "../../../runner/parse-error.js";
import type { InstalledPackage } from "../facts.js";

/** One installed Flatpak; `bundleId` is its application id. */
export interface FlatpakPackage extends InstalledPackage {
  source: "flatpak";
  /** The remote it was installed from (`flathub`): absent when the output has no Origin column. */
  origin?: string;
  /** A runtime (its ref starts with `runtime/`): what applications run on, not an application. */
  runtime?: true;
}

/** The columns the collector asks for (Flatpak ≥ 1.2 prints them tab-separated, unellipsized, without a header when not on a tty). */
export const FLATPAK_COLUMNS = ["application", "name", "version", "branch", "arch", "origin", "installation"] as const;

/** An application id: reverse-DNS with at least three elements (com.github.wwmm.pulseeffects). */
const APP_ID = /^[A-Za-z_][\w-]*(?:\.[\w-]+){2,}$/;
/** An id the table cut at its start to fit the terminal: "…m.pulseeffects". */
const ELLIPSIZED_ID = /^…[\w.-]+$/;
/** A ref: [app/|runtime/]id/arch/branch. */
const REF = /^(?:(app|runtime)\/)?([A-Za-z_][\w-]*(?:\.[\w-]+)+)\/([^/\s]+)\/([^/\s]+)$/;
/** Words of English multi-word titles that do not start a column. */
const TITLE_CONTINUATIONS = new Set(["id", "commit", "size"]);

interface Ref {
  kind?: string;
  id: string;
  arch: string;
  branch: string;
}

interface Row {
  id: string;
  name?: string;
  version: string;
  arch?: string;
  origin?: string;
  runtime?: boolean;
}

/** Installed Flatpak applications (and runtimes, where the output lists them), with the application id as bundleId. */
export function parseFlatpakList(text: string, source = "flatpak list"): FlatpakPackage[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length === 0) return [];
  const rows = lines.some((l) => l.includes("\t")) ? tabRows(lines, source) : tableRows(lines, source);
  return rows.map(toPackage);
}

function toPackage(row: Row): FlatpakPackage {
  // Without a name column, the last element of the id is the best name there is (org.wireshark.Wireshark → Wireshark).
  const name = row.name !== undefined && row.name !== "" ? row.name : (row.id.split(".").pop() ?? row.id);
  const pkg: FlatpakPackage = { name, version: row.version, source: "flatpak", bundleId: row.id };
  if (row.arch !== undefined && row.arch !== "") pkg.arch = row.arch;
  if (row.origin !== undefined && row.origin !== "" && row.origin !== "-") pkg.origin = row.origin;
  if (row.runtime === true) pkg.runtime = true;
  return pkg;
}

function parseRef(text: string): Ref | undefined {
  const m = REF.exec(text.trim());
  if (m === null) return undefined;
  const ref: Ref = { id: m[2] ?? "", arch: m[3] ?? "", branch: m[4] ?? "" };
  if (m[1] !== undefined) ref.kind = m[1];
  return ref;
}

/** Not-a-tty output: cells separated by tabs. The agent's own column set, or a default set recognised by its id cell. */
function tabRows(lines: readonly string[], source: string): Row[] {
  const rows: Row[] = [];
  lines.forEach((line, i) => {
    const cells = line.split("\t").map((c) => c.trim());
    if (cells.length === FLATPAK_COLUMNS.length && APP_ID.test(cells[0] ?? "")) {
      const [id = "", name, version = "", , arch, origin] = cells;
      rows.push({
        id,
        ...(name !== undefined ? { name } : {}),
        version,
        ...(arch !== undefined ? { arch } : {}),
        ...(origin !== undefined ? { origin } : {}),
      });
      return;
    }
    const ref = cells.map(parseRef).find((r) => r !== undefined);
    const idAt = cells.findIndex((c) => APP_ID.test(c));
    if (idAt < 0 && ref === undefined) {
      // A header line is printed on a tty only, but a pasted recording may carry one.
      if (i === 0) return;
      throw new ParseError(source, `line ${i + 1} has no application id or ref: "${line.slice(0, 120)}"`);
    }
    const row: Row = {
      id: idAt >= 0 ? (cells[idAt] ?? "") : (ref?.id ?? ""),
      version: idAt >= 0 && ref === undefined ? (cells[idAt + 1] ?? "") : "",
    };
    if (idAt > 0) row.name = displayName(cells[idAt - 1] ?? "", false);
    if (ref !== undefined) {
      row.arch = ref.arch;
      if (ref.kind === "runtime") row.runtime = true;
      // With a ref among the cells (1.2's detail columns), the version is what lies between the id and the branch.
      if (idAt >= 0 && cells[idAt + 1] !== ref.branch) row.version = cells[idAt + 1] ?? "";
    }
    rows.push(row);
  });
  return rows;
}

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokensOf(line: string): Token[] {
  return [...line.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index ?? 0, end: (m.index ?? 0) + m[0].length }));
}

interface Header {
  /** Where each column starts (multi-word English titles count once). */
  starts: number[];
  /** Columns found by their English titles, when the header is English ("Version" is also German and French). */
  version?: number;
  name?: number;
  /** The English Origin and Branch titles, where the header has them. */
  origin?: number;
  branch?: number;
  /** Flatpak 1.2 and older put the name and summary in one Description cell: "PulseEffects - Effets…". */
  describes: boolean;
}

function headerOf(tokens: readonly Token[]): Header {
  const titles = tokens.filter((t, i) => i === 0 || !TITLE_CONTINUATIONS.has(t.text.toLowerCase()));
  const index = (re: RegExp): number | undefined => {
    const i = titles.findIndex((t) => re.test(t.text));
    return i < 0 ? undefined : i;
  };
  const header: Header = { starts: titles.map((t) => t.start), describes: /^description$/i.test(titles[0]?.text ?? "") };
  const version = index(/^version$/i);
  const name = index(/^(?:name|description)$/i);
  if (version !== undefined) header.version = version;
  const origin = index(/^origin$/i);
  const branch = index(/^branch$/i);
  if (origin !== undefined) header.origin = origin;
  if (branch !== undefined) header.branch = branch;
  if (name !== undefined) header.name = name;
  return header;
}

/** Tty output: space-padded columns under a (possibly translated) header; ids may be ellipsized, versions may hold spaces. */
function tableRows(lines: readonly string[], source: string): Row[] {
  const [first = ""] = lines;
  const firstTokens = tokensOf(first);
  const hasHeader = !firstTokens.some((t) => APP_ID.test(t.text) || ELLIPSIZED_ID.test(t.text) || parseRef(t.text) !== undefined);
  const header = headerOf(hasHeader ? firstTokens : []);
  return lines.slice(hasHeader ? 1 : 0).map((line, i) => tableRow(line, hasHeader ? i + 2 : i + 1, header, source));
}

function tableRow(line: string, lineNo: number, header: Header, source: string): Row {
  const tokens = tokensOf(line);
  const refAt = tokens.findIndex((t) => parseRef(t.text) !== undefined);
  const ref = refAt >= 0 ? parseRef(tokens[refAt]?.text ?? "") : undefined;
  const idAt = tokens.findIndex((t, i) => i !== refAt && (APP_ID.test(t.text) || ELLIPSIZED_ID.test(t.text)));
  const idToken = tokens[idAt];
  if (idToken === undefined && ref === undefined)
    throw new ParseError(source, `line ${lineNo} has no application id or ref: "${line.slice(0, 120)}"`);
  // An ellipsized id is only trusted when the Ref column gives the whole one.
  const id = idToken !== undefined && !(idToken.text.startsWith("…") && ref !== undefined) ? idToken.text : (ref?.id ?? "");
  const row: Row = { id, version: "" };
  if (ref !== undefined) row.arch = ref.arch;
  if (ref?.kind === "runtime") row.runtime = true;
  if (idToken === undefined) return row;
  const starts = header.starts;
  const cell = (column: number): string => line.slice(starts[column], starts[column + 1] ?? line.length).trim();
  const aligned = starts.length > 1 && starts.every((s) => s === 0 || s >= line.length || line.charAt(s - 1) === " ");
  if (aligned) {
    // The header's column starts fit this row: cells are whole, spaces and all ("0.21.3 Beta", "Jellyfin Media Player").
    const afterId = starts.findIndex((s) => s >= idToken.end);
    const versionColumn = header.version ?? (afterId >= 0 ? afterId : undefined);
    if (versionColumn !== undefined) row.version = cell(versionColumn);
    row.name = displayName(header.name !== undefined ? cell(header.name) : line.slice(0, idToken.start), header.describes);
    if (header.origin !== undefined) row.origin = cell(header.origin);
    return row;
  }
  row.name = displayName(line.slice(0, idToken.start), header.describes);
  // The header does not fit (1.2 pads titles and cells differently): the version runs up to the branch.
  const rest = tokens.slice(idAt + 1, refAt > idAt ? refAt : undefined).map((t) => t.text);
  const branchAt = ref !== undefined ? rest.indexOf(ref.branch) : 1;
  row.version = (branchAt > 0 ? rest.slice(0, branchAt) : rest.slice(0, 1)).join(" ");
  // Cells after the branch hold no spaces: the Origin cell is as many cells on as its title is columns on.
  if (ref !== undefined && branchAt > 0 && header.origin !== undefined && header.branch !== undefined && header.origin > header.branch) {
    const origin = rest[branchAt + header.origin - header.branch];
    if (origin !== undefined) row.origin = origin;
  }
  return row;
}

/** The name part of a Name or Description cell, without an ellipsized summary. */
function displayName(cell: string, describes: boolean): string {
  const text = cell.trim();
  if (!describes) return text;
  const dash = text.indexOf(" - ");
  return dash > 0 ? text.slice(0, dash) : text;
}
