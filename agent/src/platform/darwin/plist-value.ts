// The values a property list holds, and total accessors that never assume a key's type.

export type PlistValue = string | number | boolean | Date | Buffer | PlistValue[] | PlistDict;
export interface PlistDict {
  [key: string]: PlistValue;
}

export function isPlistDict(value: unknown): value is PlistDict {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date) && !Buffer.isBuffer(value);
}

/** A string value, trimmed; undefined when absent, empty or not a string. */
export function plistString(dict: PlistDict, key: string): string | undefined {
  const value = Object.hasOwn(dict, key) ? dict[key] : undefined;
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** A number, also from a numeric string ("600" as `defaults` and system_profiler write them). */
export function plistNumber(dict: PlistDict, key: string): number | undefined {
  const value = Object.hasOwn(dict, key) ? dict[key] : undefined;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** A boolean, also from the spellings plists use for one: 1/0, YES/NO, yes/no, true/false. */
export function plistBoolean(dict: PlistDict, key: string): boolean | undefined {
  const value = Object.hasOwn(dict, key) ? dict[key] : undefined;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (["1", "yes", "true"].includes(v)) return true;
    if (["0", "no", "false"].includes(v)) return false;
  }
  return undefined;
}

export function plistArray(dict: PlistDict, key: string): PlistValue[] {
  const value = Object.hasOwn(dict, key) ? dict[key] : undefined;
  return Array.isArray(value) ? value : [];
}

export function plistDicts(dict: PlistDict, key: string): PlistDict[] {
  return plistArray(dict, key).filter(isPlistDict);
}
