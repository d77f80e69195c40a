// A general version order for sources without their own (Windows, macOS apps, Homebrew, snaps, Flatpaks).

/**
 * Words that mark a pre-release: `1.0 beta 2` < `1.0`. Ordered by maturity, so `1.0-alpha` < `1.0-rc1`.
 * Any other trailing word (`1.1.1a`, `2.0-hotfix`) makes the version newer, as in rpm.
 */
const PRE_RELEASE = ["dev", "snapshot", "nightly", "canary", "alpha", "beta", "pre", "preview", "rc"];
const preRank = (word: string): number => PRE_RELEASE.indexOf(word);

type Token = { kind: "number"; digits: string } | { kind: "word"; text: string };

/** Numbers and letter runs; every other character only separates. A leading `v` (v1.2) is not part of the version. */
function tokens(version: string): Token[] {
  const out: Token[] = [];
  const text = version.trim().replace(/^v(?=\d)/i, "");
  for (const m of text.matchAll(/(\d+)|([A-Za-z]+)/g)) {
    if (m[1] !== undefined) out.push({ kind: "number", digits: m[1].replace(/^0+(?=\d)/, "") });
    else out.push({ kind: "word", text: (m[2] ?? "").toLowerCase() });
  }
  return out;
}

function compareNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareTokens(a: Token, b: Token): number {
  if (a.kind === "number" && b.kind === "number") return compareNumbers(a.digits, b.digits);
  if (a.kind === "number") return 1;
  if (b.kind === "number") return -1;
  const ra = preRank(a.text);
  const rb = preRank(b.text);
  if (ra >= 0 && rb >= 0) return ra === rb ? 0 : ra < rb ? -1 : 1;
  if (ra >= 0) return -1;
  if (rb >= 0) return 1;
  return a.text === b.text ? 0 : a.text < b.text ? -1 : 1;
}

/** How the rest of a longer version compares with nothing: zeros are nothing (1.0 = 1.0.0), a pre-release word is less. */
function compareTail(rest: readonly Token[]): number {
  for (const t of rest) {
    if (t.kind === "number") {
      if (t.digits !== "0") return 1;
      continue;
    }
    return preRank(t.text) >= 0 ? -1 : 1;
  }
  return 0;
}

/** Negative, zero or positive: dotted and numeric-aware, case-insensitive, `1.10` > `1.9`, `1.0` = `1.0.0`, `1.0rc1` < `1.0`. */
export function compareGenericVersions(a: string, b: string): number {
  const ta = tokens(a);
  const tb = tokens(b);
  const common = Math.min(ta.length, tb.length);
  for (let i = 0; i < common; i++) {
    const c = compareTokens(ta[i] as Token, tb[i] as Token);
    if (c !== 0) return c;
  }
  if (ta.length > common) return compareTail(ta.slice(common));
  if (tb.length > common) return compareTail(tb.slice(common)) === 0 ? 0 : -compareTail(tb.slice(common));
  return 0;
}
