// Which stored items are about one person, and rewriting that person's name (privacy export, erasure, re-ingest). Pure.
import type { CheckId } from "@wegroup/shared";

export interface ViolationTexts {
  subject: string;
  message: string;
  observed: string;
  expected: string;
}

/** The checks whose subject is a person (an account): only there does a subject identify a user. */
const USER_SUBJECT_CHECKS: ReadonlySet<string> = new Set<CheckId>(["screen-lock"]);

/** Unicode-correct, case-insensitive identity of a name: NFC, then full lower-casing (Ö and ö, Σ and σ are one). */
export function foldName(name: string): string {
  return name.normalize("NFC").toLowerCase();
}

/** `CORP\bob` → `bob`: Windows subjects carry the domain; a bare user name means that account in any domain. */
export function accountPart(subject: string): string {
  const i = subject.lastIndexOf("\\");
  return i < 0 ? subject : subject.slice(i + 1);
}

/**
 * Exactly this person, not a substring: the subject equals the name (case and normalisation aside), or it is
 * `DOMAIN\name` when the name was given without a domain. "software" is nobody's subject in a software row.
 */
export function subjectIsUser(subject: string, user: string): boolean {
  const wanted = foldName(user);
  if (foldName(subject) === wanted) return true;
  return !user.includes("\\") && subject.includes("\\") && foldName(accountPart(subject)) === wanted;
}

/** A violation (of check `check`) whose subject is this user. */
export function violationIsAbout(check: string, v: { subject: string }, user: string): boolean {
  return USER_SUBJECT_CHECKS.has(check) && subjectIsUser(v.subject, user);
}

const WORD = String.raw`[\p{L}\p{N}_]`;
const JOINER = String.raw`[.\-@]`;
const ESCAPE = /[.*+?^${}()|[\]\\/]/g;

/** The name as written, in both normalisation forms (a stored text may be NFD, as macOS writes names). */
function spellings(user: string): string {
  return [...new Set([user, user.normalize("NFC"), user.normalize("NFD")])].map((s) => s.replace(ESCAPE, "\\$&")).join("|");
}

/**
 * The name as a whole word, case-insensitively: "bob" in "The screen of bob.", "/home/bob/x" and
 * "CORP\bob", but not in "bobby" or "bob.smith" (another person: a dot, dash or @ between word
 * characters joins them into one name). Used only inside items that are about the user.
 */
export function userPattern(user: string): RegExp {
  return new RegExp(`(?<!${WORD}|${WORD}${JOINER})(?:${spellings(user)})(?!${WORD}|${JOINER}${WORD})`, "giu");
}

/** The name as the folder of a home or removable-media path (/home/bob/, /media/bob/, C:\Users\bob\): about that person wherever it appears. */
export function homePathPattern(user: string): RegExp {
  const roots = String.raw`(?:/home|/var/home|/Users|/media|/run/media|[A-Za-z]:\\Users|\\Users)`;
  return new RegExp(`(?<=${roots}[/\\\\])(?:${spellings(user)})(?=$|[/\\\\\\s"'),;:])`, "giu");
}

export function matches(text: string, pattern: RegExp): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}

/** Kept for callers that test a text against a pattern they built. */
export const mentionsUser = matches;

/** The patterns that find one user; built once per export or erasure. */
export interface UserMatcher {
  user: string;
  word: RegExp;
  home: RegExp;
}

export function userMatcher(user: string): UserMatcher {
  return { user, word: userPattern(user), home: homePathPattern(user) };
}

const textsOf = (v: ViolationTexts): string[] => [v.subject, v.message, v.observed, v.expected];

/** A violation is about the user when its subject is the user (a user-subject check), or a text names their home or media folder. */
export function violationNamesUser(check: string, v: ViolationTexts, m: UserMatcher): boolean {
  return violationIsAbout(check, v, m.user) || textsOf(v).some((t) => matches(t, m.home));
}

/** The violations in a check result (or anything with `check` and a `violations` array) that are about the user. */
export function userViolationsOf(result: unknown, m: UserMatcher): ViolationTexts[] {
  const r = result as { check?: unknown; violations?: unknown } | null;
  if (!Array.isArray(r?.violations)) return [];
  const check = typeof r.check === "string" ? r.check : "";
  return r.violations.filter((v): v is ViolationTexts => isViolationTexts(v) && violationNamesUser(check, v, m));
}

export function isViolationTexts(v: unknown): v is ViolationTexts {
  if (v === null || typeof v !== "object") return false;
  const o = v as Record<string, unknown>;
  return typeof o.subject === "string" && typeof o.message === "string" && typeof o.observed === "string" && typeof o.expected === "string";
}

export interface Rewritten<T> {
  value: T;
  changed: boolean;
}

/** Every string in a JSON value passed through `edit`; `changed` says whether anything was. */
export function mapStrings(value: unknown, edit: (s: string) => string): Rewritten<unknown> {
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      const next = edit(v);
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

/** Inside an item about the user: the subject becomes the pseudonym, and every mention of the name as a word. */
function everyMention(m: UserMatcher, pseudonym: string): (s: string) => string {
  return (s) => (subjectIsUser(s, m.user) ? pseudonym : s.replace(m.word, pseudonym).replace(m.home, pseudonym));
}

/** Elsewhere: only their home or media folder names them; the same word in someone else's item is left alone. */
function homeMentions(m: UserMatcher, pseudonym: string): (s: string) => string {
  return (s) => s.replace(m.home, pseudonym);
}

/** One violation (as stored, as an event snapshot, or inside a result) with the user replaced by the pseudonym. */
export function rewriteViolation<T extends ViolationTexts>(check: string, v: T, m: UserMatcher, pseudonym: string): Rewritten<T> {
  const edit = violationIsAbout(check, v, m.user) ? everyMention(m, pseudonym) : homeMentions(m, pseudonym);
  return mapStrings(v, edit) as Rewritten<T>;
}

/**
 * A check result, or a report body (`results`): the user's own violations rewritten whole, a user-subject
 * check's reason ("cannot read the settings of bob") by word, everything else only where a home folder names them.
 */
export function rewriteDocument(doc: unknown, m: UserMatcher, pseudonym: string): Rewritten<unknown> {
  let changed = false;
  const track = <T>(r: Rewritten<T>): T => {
    if (r.changed) changed = true;
    return r.value;
  };
  const rewriteResult = (result: unknown): unknown => {
    if (result === null || typeof result !== "object") return result;
    const r = result as Record<string, unknown>;
    const check = typeof r.check === "string" ? r.check : "";
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(r)) {
      if (key === "violations" && Array.isArray(value)) {
        out[key] = value.map((v) =>
          isViolationTexts(v) ? track(rewriteViolation(check, v, m, pseudonym)) : track(mapStrings(v, homeMentions(m, pseudonym))),
        );
      } else if (key === "reason" && typeof value === "string" && USER_SUBJECT_CHECKS.has(check)) {
        out[key] = track(mapStrings(value, everyMention(m, pseudonym)));
      } else {
        out[key] = track(mapStrings(value, homeMentions(m, pseudonym)));
      }
    }
    return out;
  };
  if (doc !== null && typeof doc === "object" && Array.isArray((doc as { results?: unknown }).results)) {
    const body = doc as Record<string, unknown>;
    const out = Object.fromEntries(
      Object.entries(body).map(([k, v]) => [
        k,
        k === "results" ? (v as unknown[]).map(rewriteResult) : track(mapStrings(v, homeMentions(m, pseudonym))),
      ]),
    );
    return { value: out, changed };
  }
  return { value: rewriteResult(doc), changed };
}

/** A JSON detail (audit) or an exemption's texts is about the user when its subject is the user (in a user-subject check, when it names a check). */
function detailIsAbout(detail: unknown, m: UserMatcher): boolean {
  const d = detail as { subject?: unknown; check?: unknown } | null;
  if (typeof d?.subject !== "string" || !subjectIsUser(d.subject, m.user)) return false;
  return typeof d.check !== "string" || USER_SUBJECT_CHECKS.has(d.check);
}

export function rewriteDetail(detail: unknown, m: UserMatcher, pseudonym: string): Rewritten<unknown> {
  return mapStrings(detail, detailIsAbout(detail, m) ? everyMention(m, pseudonym) : homeMentions(m, pseudonym));
}

/** Whether a JSON detail or an exemption's texts are about the user (export). */
export function detailNamesUser(detail: Record<string, unknown>, m: UserMatcher): boolean {
  return detailIsAbout(detail, m) || Object.values(detail).some((v) => typeof v === "string" && matches(v, m.home));
}

/**
 * How a stored text can contain the name, for a coarse SQL prefilter (folded LIKE) before the exact tests
 * above: folded, in both normalisation forms, and as JSON writes it (a backslash doubled).
 */
export function textNeedles(user: string): string[] {
  const forms = [user.normalize("NFC"), user.normalize("NFD")].map((s) => s.toLowerCase());
  return [...new Set(forms.flatMap((f) => [f, JSON.stringify(f).slice(1, -1)]))];
}
