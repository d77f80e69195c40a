// The policy's pattern dialect, one matcher for agent and server: `*` any run, `?` one code point, all else literal; Unicode case-insensitive; linear time.
import { lookupFolding } from "unicode-case-folding";

/** Longest pattern the matcher compiles; schemas refuse longer ones before any work is done. */
export const MAX_PATTERN_LENGTH = 10_000;

const STAR = 0x2a;
const QUESTION = 0x3f;

/**
 * Text as patterns compare it: NFC-normalised, then fully case-folded (Unicode CaseFolding C+F: "ß" and "SS"
 * are equal, "Ölafsdóttir" and "ÖLAFSDÓTTIR" are equal, NFD names from macOS equal the same name typed).
 */
export function foldText(text: string): string {
  // Printable ASCII needs neither normalisation nor more than A-Z lower-casing: most names take this path.
  if (/^[\x20-\x7e]*$/.test(text)) return /[A-Z]/.test(text) ? text.toLowerCase() : text;
  let out = "";
  for (const char of text.normalize("NFC")) {
    const mapped = lookupFolding(char.codePointAt(0) ?? 0);
    out += mapped === undefined ? char : String.fromCodePoint(...mapped);
  }
  return out;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a pattern is refused (undefined when it is a valid pattern). Everything but control characters and broken UTF-16 is allowed. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return "a pattern cannot be empty";
  if (pattern.length > MAX_PATTERN_LENGTH) return `a pattern is at most ${MAX_PATTERN_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(pattern)) return "a pattern cannot contain control characters";
  if (LONE_SURROGATE.test(pattern)) return "a pattern cannot contain a lone UTF-16 surrogate";
  return undefined;
}

/** A segment between stars, as code points; `?` stays QUESTION (a literal "?" cannot be written: the dialect has no escape). */
type Segment = Int32Array;

export interface CompiledPattern {
  readonly source: string;
  /** The folded pattern when it has no wildcard: matching is string equality. */
  readonly literal?: string;
  /** The folded literal text before the first wildcard (every match starts with it). */
  readonly prefix: string;
  /** True when the folded `value` matches. */
  matchesFolded(folded: string): boolean;
  /** True when `value` matches (folds it first). */
  matches(value: string): boolean;
}

const cache = new Map<string, CompiledPattern>();
const CACHE_LIMIT = 20_000;

/** Compiles a pattern once (cached); throws on a pattern `patternProblem` refuses. */
export function compilePattern(pattern: string): CompiledPattern {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    compiled = compile(pattern);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** True when `value` matches `pattern` in the policy dialect. */
export function patternMatches(pattern: string, value: string): boolean {
  return compilePattern(pattern).matches(value);
}

function compile(pattern: string): CompiledPattern {
  const problem = patternProblem(pattern);
  if (problem !== undefined) throw new Error(`invalid pattern "${pattern.slice(0, 80)}": ${problem}`);
  const folded = foldText(pattern);
  const firstWildcard = folded.search(/[*?]/);
  if (firstWildcard < 0) {
    return { source: pattern, literal: folded, prefix: folded, matchesFolded: (v) => v === folded, matches: (v) => foldText(v) === folded };
  }
  const prefix = folded.slice(0, firstWildcard);
  const test = folded.includes("?") ? codePointMatcher(folded) : starMatcher(folded);
  return { source: pattern, prefix, matchesFolded: test, matches: (v) => test(foldText(v)) };
}

/**
 * A pattern whose only wildcard is `*`: its parts are literal, so matching is startsWith / endsWith / indexOf on the
 * UTF-16 text itself, with no per-call allocation. Code units give the same answer as code points here: every part
 * is well-formed UTF-16 (lone surrogates are refused), so it can neither start on the low half nor end on the high
 * half of a pair, and every match it finds lies on code point boundaries.
 */
function starMatcher(folded: string): (text: string) => boolean {
  const parts = folded.split("*");
  const first = parts[0] ?? "";
  const last = parts[parts.length - 1] ?? "";
  const middle = parts.slice(1, -1).filter((part) => part !== "");
  const outer = first.length + last.length;
  return (text) => {
    if (outer > text.length || !text.startsWith(first) || !text.endsWith(last)) return false;
    let from = first.length;
    const end = text.length - last.length;
    // The leftmost occurrence of each part after the previous one (leftmost is always safe between stars).
    for (const part of middle) {
      const found = text.indexOf(part, from);
      if (found < 0 || found + part.length > end) return false;
      from = found + part.length;
    }
    return true;
  };
}

/** A pattern with `?` (one code point): matched over code points, each middle part by a bit-parallel scan compiled once. */
function codePointMatcher(folded: string): (text: string) => boolean {
  const segments = splitSegments(folded);
  return (text) => matchSegments(segments, codePoints(text));
}

function codePoints(text: string): Int32Array {
  const out = new Int32Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i) ?? 0;
    out[n++] = cp;
    if (cp > 0xffff) i++;
  }
  return out.subarray(0, n);
}

/** A part between stars, with its shift-and tables built once: bit j of a mask is set when the part's j-th code point is that one (or `?`). */
interface Part {
  points: Segment;
  words: number;
  masks: Map<number, Uint32Array>;
  /** The mask of a code point the part does not name: only its `?` positions. */
  any: Uint32Array;
  /** Scratch state of the scan (matching is synchronous, so one per part is enough). */
  state: Uint32Array;
}

interface Segments {
  /** The parts between stars: the first touches the pattern's start, the last its end. */
  parts: Part[];
  hasStar: boolean;
}

function compilePart(points: Segment): Part {
  const k = points.length;
  const words = (k + 31) >>> 5;
  const any = new Uint32Array(words);
  for (let j = 0; j < k; j++) if (points[j] === QUESTION) any[j >>> 5] = (any[j >>> 5] ?? 0) | (1 << (j & 31));
  const masks = new Map<number, Uint32Array>();
  for (let j = 0; j < k; j++) {
    const cp = points[j] ?? 0;
    if (cp === QUESTION) continue;
    let mask = masks.get(cp);
    if (mask === undefined) {
      mask = any.slice();
      masks.set(cp, mask);
    }
    mask[j >>> 5] = (mask[j >>> 5] ?? 0) | (1 << (j & 31));
  }
  return { points, words, masks, any, state: new Uint32Array(words) };
}

function splitSegments(folded: string): Segments {
  const points = codePoints(folded);
  const parts: Part[] = [];
  let start = 0;
  let hasStar = false;
  for (let i = 0; i <= points.length; i++) {
    if (i === points.length || points[i] === STAR) {
      parts.push(compilePart(points.slice(start, i)));
      if (i < points.length) hasStar = true;
      start = i + 1;
    }
  }
  return { parts, hasStar };
}

function equalAt(segment: Segment, text: Int32Array, at: number): boolean {
  for (let j = 0; j < segment.length; j++) {
    const p = segment[j];
    if (p !== QUESTION && p !== text[at + j]) return false;
  }
  return true;
}

const EMPTY = new Int32Array(0);

/**
 * P0 * P1 * … * Pk: P0 anchored at the start, Pk at the end, the middle parts each at their leftmost occurrence
 * after the previous one (leftmost is always safe for a star-separated pattern). Each search is a bit-parallel
 * scan (shift-and), so the whole match is O(text × pattern / 32) with no backtracking.
 */
function matchSegments({ parts, hasStar }: Segments, text: Int32Array): boolean {
  const first = parts[0]?.points ?? EMPTY;
  if (!hasStar) return first.length === text.length && equalAt(first, text, 0);
  const last = parts[parts.length - 1]?.points ?? EMPTY;
  if (first.length + last.length > text.length) return false;
  if (!equalAt(first, text, 0) || !equalAt(last, text, text.length - last.length)) return false;
  let from = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i];
    if (part === undefined || part.points.length === 0) continue;
    const found = findSegment(part, text, from, end);
    if (found < 0) return false;
    from = found + part.points.length;
  }
  return true;
}

/** Index of the leftmost occurrence of `part` in text[from, end), `?` matching any code point; -1 when none. */
function findSegment(part: Part, text: Int32Array, from: number, end: number): number {
  const k = part.points.length;
  if (k > end - from) return -1;
  const { words, masks, any, state } = part;
  state.fill(0);
  const lastWord = (k - 1) >>> 5;
  const lastBit = 1 << ((k - 1) & 31);
  for (let i = from; i < end; i++) {
    const mask = masks.get(text[i] ?? 0) ?? any;
    // state = ((state << 1) | 1) & mask, across words.
    let carry = 1;
    for (let w = 0; w < words; w++) {
      const value = state[w] ?? 0;
      const next = ((value << 1) | carry) >>> 0;
      carry = value >>> 31;
      state[w] = next & (mask[w] ?? 0);
    }
    if (((state[lastWord] ?? 0) & lastBit) !== 0) return i - k + 1;
  }
  return -1;
}
