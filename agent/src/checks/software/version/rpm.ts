// RPM version order: rpmvercmp (with `~` pre-releases and `^` post-releases) over epoch:version-release.
import { splitEvr } from "./evr.js";

export interface RpmEvr {
  epoch: number;
  version: string;
  /** Undefined when the text gave none: then only the versions are compared, as rpm does for dependency ranges. */
  release?: string;
}

/** Splits `[epoch:]version[-release]`; the release is whatever follows the LAST hyphen. */
export function parseRpmEvr(evr: string): RpmEvr {
  const { epoch, version, release } = splitEvr(evr);
  return release === undefined ? { epoch, version } : { epoch, version, release };
}

/** Compares two `[epoch:]version[-release]` strings; a side without a release compares on epoch and version only. */
export function compareRpmEvr(a: string, b: string): number {
  const ea = parseRpmEvr(a);
  const eb = parseRpmEvr(b);
  if (ea.epoch !== eb.epoch) return ea.epoch < eb.epoch ? -1 : 1;
  const byVersion = rpmvercmp(ea.version, eb.version);
  if (byVersion !== 0 || ea.release === undefined || eb.release === undefined) return byVersion;
  return rpmvercmp(ea.release, eb.release);
}

const isDigit = (c: string): boolean => c >= "0" && c <= "9";
const isAlpha = (c: string): boolean => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
const isAlnum = (c: string): boolean => isDigit(c) || isAlpha(c);

/** rpm's rpmio/rpmvercmp.c: -1, 0 or 1. Separators only split segments; digits beat letters. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a.charAt(i)) && a.charAt(i) !== "~" && a.charAt(i) !== "^") i++;
    while (j < b.length && !isAlnum(b.charAt(j)) && b.charAt(j) !== "~" && b.charAt(j) !== "^") j++;
    const ca = a.charAt(i);
    const cb = b.charAt(j);
    // `~` sorts before everything, even the end of the string.
    if (ca === "~" || cb === "~") {
      if (ca !== "~") return 1;
      if (cb !== "~") return -1;
      i++;
      j++;
      continue;
    }
    // `^` sorts after the end of the string but before anything else.
    if (ca === "^" || cb === "^") {
      if (ca === "") return -1;
      if (cb === "") return 1;
      if (ca !== "^") return 1;
      if (cb !== "^") return -1;
      i++;
      j++;
      continue;
    }
    if (ca === "" || cb === "") break;
    const numeric = isDigit(ca);
    const inSegment = numeric ? isDigit : isAlpha;
    let endA = i;
    let endB = j;
    while (endA < a.length && inSegment(a.charAt(endA))) endA++;
    while (endB < b.length && inSegment(b.charAt(endB))) endB++;
    // Segments of different kinds: a number is newer than letters.
    if (endB === j) return numeric ? 1 : -1;
    let segA = a.slice(i, endA);
    let segB = b.slice(j, endB);
    if (numeric) {
      segA = segA.replace(/^0+/, "");
      segB = segB.replace(/^0+/, "");
      if (segA.length !== segB.length) return segA.length > segB.length ? 1 : -1;
    }
    if (segA !== segB) return segA < segB ? -1 : 1;
    i = endA;
    j = endB;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}
