// Finding and replacing one person's user name in stored texts and JSON documents (privacy export and erasure). Pure.

export interface ViolationTexts {
  subject: string;
  message: string;
  observed: string;
  expected: string;
}

const WORD = String.raw`[\p{L}\p{N}_]`;
const JOINER = String.raw`[.\-@]`;

/**
 * The name as a whole word, case-insensitively (Windows and macOS account names are): "bob" is found in
 * "/home/bob/.config", "The screen of bob." and "CORP\bob", but not in "bobby" or "bob.smith" (another
 * person: a dot, dash or @ between word characters joins them into one name).
 */
export function userPattern(user: string): RegExp {
  // Only syntax characters may be escaped in a u-mode pattern ("\-" outside a class is an error there).
  const escaped = user.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return new RegExp(`(?<!${WORD}|${WORD}${JOINER})${escaped}(?!${WORD}|${JOINER}${WORD})`, "giu");
}

export function mentionsUser(text: string, pattern: RegExp): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}

/** A violation is about the user when its subject is the user or any of its texts names them. */
export function violationNamesUser(v: ViolationTexts, user: string, pattern: RegExp): boolean {
  return sameUser(v.subject, user) || [v.subject, v.message, v.observed, v.expected].some((t) => mentionsUser(t, pattern));
}

export function sameUser(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: "accent" }) === 0;
}

/** Every string in a JSON value with the name replaced; `changed` says whether anything was. */
export function replaceUserInJson(value: unknown, user: string, pattern: RegExp, pseudonym: string): { value: unknown; changed: boolean } {
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      const next = sameUser(v, user) ? pseudonym : v.replace(pattern, pseudonym);
      if (next !== v) changed = true;
      return next;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner)]));
    return v;
  };
  const out = walk(value);
  return { value: out, changed };
}

/** The violations in a check result (or anything with a `violations` array) that are about the user. */
export function userViolationsOf(result: unknown, user: string, pattern: RegExp): ViolationTexts[] {
  const list = (result as { violations?: unknown } | null)?.violations;
  if (!Array.isArray(list)) return [];
  return list.filter((v): v is ViolationTexts => isViolationTexts(v) && violationNamesUser(v, user, pattern));
}

export function isViolationTexts(v: unknown): v is ViolationTexts {
  if (v === null || typeof v !== "object") return false;
  const o = v as Record<string, unknown>;
  return typeof o.subject === "string" && typeof o.message === "string" && typeof o.observed === "string" && typeof o.expected === "string";
}

/**
 * How a stored JSON text can contain the name, for a coarse SQL prefilter (LIKE) before the exact test
 * above: as is, and as JSON writes it (a backslash in "CORP\bob" is doubled there).
 */
export function jsonNeedles(user: string): string[] {
  return [...new Set([user, JSON.stringify(user).slice(1, -1)])];
}
