// Any real dpkg inventory output, told apart by its shape: dpkg-query -W with tabs, the dpkg -l table, or status stanzas.
import { ParseError } from "../../../runner/parse-error.js";
import type { DpkgPackage } from "./dpkg-common.js";
import { parseDpkgQuery } from "./dpkg-query.js";
import { looksLikeDpkgStatus, parseDpkgStatus } from "./dpkg-status.js";
import { looksLikeDpkgTable, parseDpkgTable } from "./dpkg-table.js";

export type DpkgFormat = "query" | "table" | "status";

export function sniffDpkgFormat(text: string): DpkgFormat | undefined {
  if (looksLikeDpkgStatus(text)) return "status";
  // Tabs first: a `${db:Status-Abbrev}\t…` row also starts like a dpkg -l row ("ii ").
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length > 0 && lines.filter((l) => l.includes("\t")).length >= lines.length * 0.9) return "query";
  if (looksLikeDpkgTable(text)) return "table";
  return undefined;
}

/** The installed packages in dpkg output of any of its formats; `source` names the command or file for errors. */
export function parseDpkg(text: string, source = "dpkg"): DpkgPackage[] {
  if (text.trim() === "") return [];
  const format = sniffDpkgFormat(text);
  if (format === "status") return parseDpkgStatus(text, source);
  if (format === "table") return parseDpkgTable(text, source);
  if (format === "query") return parseDpkgQuery(text, source);
  throw new ParseError(source, `not dpkg-query, dpkg -l or dpkg status output (starts with "${text.trimStart().slice(0, 60)}")`);
}
