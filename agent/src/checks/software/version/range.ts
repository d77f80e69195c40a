// Version ranges of software rules (`>=7.0 <8`), checked in the package source's own version order.
import type { SoftwareSource } from "@wegroup/shared";
import { compareDpkgVersions } from "./dpkg.js";
import { compareGenericVersions } from "./generic.js";
import { compareRpmEvr } from "./rpm.js";

export type VersionOrder = (a: string, b: string) => number;
export type ComparatorOp = ">=" | "<=" | ">" | "<" | "=" | "!=";

export interface Comparator {
  op: ComparatorOp;
  version: string;
}

/** The order a source's own tools use: dpkg and rpm have theirs (epochs, `~`); everything else the generic one. */
export function versionOrderFor(source: SoftwareSource): VersionOrder {
  if (source === "dpkg") return compareDpkgVersions;
  if (source === "rpm") return compareRpmEvr;
  return compareGenericVersions;
}

/** Parses comparators joined by spaces or commas (the policy schema has already checked the shape). */
export function parseVersionRange(range: string): Comparator[] {
  const out: Comparator[] = [];
  const rest = range.replace(/(>=|<=|==|!=|>|<|=)\s*([^\s,<>=!]+)/g, (_whole, op: string, version: string) => {
    out.push({ op: op === "==" ? "=" : (op as ComparatorOp), version });
    return " ";
  });
  if (out.length === 0 || /[^\s,]/.test(rest)) throw new Error(`not a version range: "${range}"`);
  return out;
}

/** Whether `version` lies in every comparator's half-line. An empty (unknown) version lies in none. */
export function inRange(version: string, range: readonly Comparator[], order: VersionOrder): boolean {
  if (version.trim() === "") return false;
  return range.every((c) => holds(order(version, c.version), c.op));
}

function holds(cmp: number, op: ComparatorOp): boolean {
  switch (op) {
    case ">=":
      return cmp >= 0;
    case "<=":
      return cmp <= 0;
    case ">":
      return cmp > 0;
    case "<":
      return cmp < 0;
    case "=":
      return cmp === 0;
    case "!=":
      return cmp !== 0;
  }
}
