// `… | ConvertTo-Json` output: one object or an array of them, and the loose value types PowerShell writes.
import { ParseError } from "../../runner/parse-error.js";

export type PsObject = Record<string, unknown>;

/**
 * ConvertTo-Json writes nothing for no objects, an object for one and an array for several.
 * Windows PowerShell 5.1 wraps some arrays as `{"value":[…],"Count":n}`; both shapes read the same.
 */
export function parsePsJson(text: string, source: string): PsObject[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch (error) {
    throw new ParseError(source, `not valid JSON (${(error as Error).message}); output starts ${JSON.stringify(trimmed.slice(0, 60))}`);
  }
  const items = psArray(doc) ?? [doc];
  return items.map((item, i) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw new ParseError(
        source,
        `item ${i}: expected an object, got ${item === null ? "null" : Array.isArray(item) ? "an array" : typeof item}`,
      );
    }
    return item as PsObject;
  });
}

/** An array, unwrapping 5.1's `{"value":[…],"Count":n}`; undefined when it is not one. */
export function psArray(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value as unknown[];
  if (value !== null && typeof value === "object") {
    const o = value as PsObject;
    if (Array.isArray(o.value) && typeof o.Count === "number" && Object.keys(o).length === 2) return o.value as unknown[];
  }
  return undefined;
}

/** A property by name, ignoring case (PowerShell property names are case-insensitive). */
export function psProperty(item: PsObject, name: string): unknown {
  if (name in item) return item[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(item).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : item[key];
}

/** A string property, trimmed; null, empty or absent are undefined. Numbers read as their text. */
export function psString(item: PsObject, name: string): string | undefined {
  const value = psProperty(item, name);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** A whole number written as a number or as decimal text (Format-List and some providers print numbers as strings). */
export function psInteger(item: PsObject, name: string, source: string): number | undefined {
  const value = psProperty(item, name);
  if (value === null || value === undefined || value === "") return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "string" && /^\s*\d{1,15}\s*$/.test(value)) return Number.parseInt(value, 10);
  throw new ParseError(source, `${name}: expected a whole number, got ${JSON.stringify(value).slice(0, 60)}`);
}

/** A boolean written as JSON true/false or Format-List's True/False. */
export function psBoolean(item: PsObject, name: string): boolean | undefined {
  const value = psProperty(item, name);
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  return undefined;
}

/** A list of strings: a JSON array (possibly 5.1-wrapped), or Format-List's `{a, b}` rendering of one. */
export function psStringList(item: PsObject, name: string): string[] {
  const value = psProperty(item, name);
  const list = psArray(value);
  if (list !== undefined) return list.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim());
  if (typeof value === "string") {
    const inner = /^\{(.*)\}$/.exec(value.trim());
    const text = inner === null ? value : (inner[1] as string);
    return text
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "" && part !== "...");
  }
  return [];
}
