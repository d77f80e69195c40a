// Debian version order (deb-version(7)): epoch, then upstream and revision compared by dpkg's verrevcmp.
import { splitEvr } from "./evr.js";

export interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

/** Splits `[epoch:]upstream[-revision]`; the revision is whatever follows the LAST hyphen. */
export function parseDpkgVersion(version: string): DpkgVersion {
  const { epoch, version: upstream, release } = splitEvr(version);
  return { epoch, upstream, revision: release ?? "" };
}

/** Negative, zero or positive as `a` sorts before, with or after `b` in dpkg's order. */
export function compareDpkgVersions(a: string, b: string): number {
  const va = parseDpkgVersion(a);
  const vb = parseDpkgVersion(b);
  if (va.epoch !== vb.epoch) return va.epoch < vb.epoch ? -1 : 1;
  return sign(verrevcmp(va.upstream, vb.upstream)) || sign(verrevcmp(va.revision, vb.revision));
}

const isDigit = (c: string): boolean => c >= "0" && c <= "9";
const isAlpha = (c: string): boolean => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");

/** dpkg's weight of a non-digit character: `~` before the end, the end before letters, letters before other symbols. */
function order(c: string): number {
  if (c === "") return 0;
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c.charCodeAt(0);
  if (c === "~") return -1;
  return c.charCodeAt(0) + 256;
}

/** dpkg's lib/dpkg/version.c verrevcmp, on JS strings ("" past the end plays the role of NUL). */
function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a.charAt(i))) || (j < b.length && !isDigit(b.charAt(j)))) {
      const ac = order(a.charAt(i));
      const bc = order(b.charAt(j));
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a.charAt(i) === "0") i++;
    while (b.charAt(j) === "0") j++;
    while (isDigit(a.charAt(i)) && isDigit(b.charAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a.charAt(i))) return 1;
    if (isDigit(b.charAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
