// PowerShell objects from whichever way they were printed: ConvertTo-Json, Format-List or Format-Table.
import { ParseError } from "../../runner/parse-error.js";
import { parsePsFormatList } from "./ps-format-list.js";
import { parsePsJson, type PsObject } from "./ps-json.js";
import { looksLikePsTable, parsePsTable } from "./ps-table.js";

export type PsFormat = "json" | "list" | "table" | "empty";

/** Sniffs the format from the text itself: what the agent asked for and what a person pasted differ. */
export function sniffPsFormat(text: string): PsFormat {
  const trimmed = text.trim();
  if (trimmed === "") return "empty";
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return "json";
  if (looksLikePsTable(text)) return "table";
  return "list";
}

export function parsePsObjects(text: string, source: string): PsObject[] {
  switch (sniffPsFormat(text)) {
    case "empty":
      return [];
    case "json":
      return parsePsJson(text, source);
    case "table":
      return parsePsTable(text, source);
    case "list": {
      const records = parsePsFormatList(text, source);
      if (records.length === 0) throw new ParseError(source, "expected JSON or `Name : value` lines");
      return records.map((r) => r.properties);
    }
  }
}
