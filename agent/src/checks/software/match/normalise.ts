// The name a package is also known by for rule matching: without its version and architecture suffixes.

const ARCH = String.raw`(?:x86[_-]64|x64|x86|amd64|arm64|aarch64|i[36]86|win(?:32|64)|(?:64|32)[\s-]?bits?)`;
/** `(x64)`, `(64-bit)`, `(x64 en-US)`, `[64 bit]`: a bracketed group that names an architecture. */
const BRACKETED_ARCH = new RegExp(String.raw`\s*[(\[][^()\[\]]*\b${ARCH}\b[^()\[\]]*[)\]]$`, "i");
/** ` 64-bit`, `-x86_64`, `_amd64`. */
const TRAILING_ARCH = new RegExp(String.raw`[\s_-]+${ARCH}$`, "i");
/** ` 7.92`, ` - 14.36.32532`, ` version 2.41.0`, `-4.0.3rc1`: a dotted number at the end, after a separator. */
const TRAILING_VERSION = /[\s_-]+(?:[-–—,:]\s*)?(?:v(?:ersion)?\.?\s*)?v?\d+(?:[._]\d+)+[a-z0-9.+~_-]*$/i;
const APP_SUFFIX = /\.app$/i;
const LEFTOVER = /[\s,:;–—-]+$/;
/** Only names with a separator or a bracket can carry a suffix; most package names have none and return at once. */
const QUICK = /[\s_()[\]-]|\.app$/i;
/** `(2.0.0.23)`, `[v1.2]`: a bracketed group that is only a version. */
const BRACKETED_VERSION = /\s*[([]\s*v?\d+(?:[._]\d+)+[a-z0-9.+~_-]*\s*[)\]]\s*$/i;
/** `K-Lite Codec Pack 7.1.0 (Standard)`, `Real Alternative 2.0.2 lite`: a dotted version inside the name, before an edition. */
const INNER_VERSION = /\s+v?\d+(?:\.\d+){1,3}[a-z]?(?=\s+[([]?[a-z])/i;
/** `Java(TM) 6 Update 31`: an update number after the major version. */
const UPDATE_SUFFIX = /(\s\d+)\s+update\s+\d+$/i;
const VERSION_PREFIX = /(?:[\s_-]+(?:[-–—,:]\s*)?(?:v(?:ersion)?\.?\s*)?v?|[\s_-]+v)$/i;

/**
 * "Nmap 7.92" → "Nmap", "Wireshark 4.0.3 64-bit" → "Wireshark", "7-Zip 22.01 (x64)" → "7-Zip",
 * "Wireshark.app" → "Wireshark". Never returns an empty name: a name that is only a version stays as it is.
 */
export function normaliseName(name: string, version?: string): string {
  // Every version and architecture suffix has a digit in it: "nmap-common" or "Mozilla Firefox" has nothing to drop.
  if (!QUICK.test(name) || (!/\d/.test(name) && !APP_SUFFIX.test(name))) return name;
  let current = name.trim();
  const own = version?.trim().toLowerCase() ?? "";
  for (let round = 0; round < 4; round++) {
    let next = current.replace(APP_SUFFIX, "");
    const last = next.charAt(next.length - 1);
    if (last === ")" || last === "]") next = next.replace(BRACKETED_ARCH, "").replace(BRACKETED_VERSION, "");
    next = next.replace(UPDATE_SUFFIX, "$1").replace(INNER_VERSION, "");
    next = next.replace(TRAILING_ARCH, "");
    if (own !== "") next = withoutOwnVersion(next, own);
    if (/\d/.test(next)) next = next.replace(TRAILING_VERSION, "");
    next = next.replace(LEFTOVER, "");
    if (next === "" || next === current) break;
    current = next;
  }
  return current === "" ? name : current;
}

/** Drops the package's own version from the end of its name, even when it is not dotted ("Zoom 5" with version "5"). */
function withoutOwnVersion(name: string, ownLower: string): string {
  if (name.length <= ownLower.length || !name.toLowerCase().endsWith(ownLower)) return name;
  const head = name.slice(0, name.length - ownLower.length);
  const prefix = VERSION_PREFIX.exec(head);
  return prefix === null ? name : head.slice(0, prefix.index);
}
