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
  const segments = splitSegments(folded);
  const test = (v: string) => matchSegments(segments, codePoints(v));
  return { source: pattern, prefix, matchesFolded: test, matches: (v) => test(foldText(v)) };
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

interface Segments {
  /** The parts between stars; `anchoredStart`/`anchoredEnd` say whether the first/last part touches the pattern's ends. */
  parts: Segment[];
  hasStar: boolean;
}

function splitSegments(folded: string): Segments {
  const points = codePoints(folded);
  const parts: Segment[] = [];
  let start = 0;
  let hasStar = false;
  for (let i = 0; i <= points.length; i++) {
    if (i === points.length || points[i] === STAR) {
      parts.push(points.slice(start, i));
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

/**
 * P0 * P1 * … * Pk: P0 anchored at the start, Pk at the end, the middle parts each at their leftmost occurrence
 * after the previous one (leftmost is always safe for a star-separated pattern). Each search is a bit-parallel
 * scan (shift-and), so the whole match is O(text × pattern / 32) with no backtracking.
 */
function matchSegments({ parts, hasStar }: Segments, text: Int32Array): boolean {
  const first = parts[0] ?? new Int32Array(0);
  if (!hasStar) return first.length === text.length && equalAt(first, text, 0);
  const last = parts[parts.length - 1] ?? new Int32Array(0);
  if (first.length + last.length > text.length) return false;
  if (!equalAt(first, text, 0) || !equalAt(last, text, text.length - last.length)) return false;
  let from = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] ?? new Int32Array(0);
    if (part.length === 0) continue;
    const found = findSegment(part, text, from, end);
    if (found < 0) return false;
    from = found + part.length;
  }
  return true;
}

/** Index of the leftmost occurrence of `segment` in text[from, end), `?` matching any code point; -1 when none. */
function findSegment(segment: Segment, text: Int32Array, from: number, end: number): number {
  const k = segment.length;
  if (k > end - from) return -1;
  const words = (k + 31) >>> 5;
  // masks.get(cp): bit j set when segment[j] is cp or `?`; `any` for code points the segment does not name.
  const any = new Uint32Array(words);
  for (let j = 0; j < k; j++) if (segment[j] === QUESTION) any[j >>> 5] = (any[j >>> 5] ?? 0) | (1 << (j & 31));
  const masks = new Map<number, Uint32Array>();
  for (let j = 0; j < k; j++) {
    const cp = segment[j] ?? 0;
    if (cp === QUESTION) continue;
    let mask = masks.get(cp);
    if (mask === undefined) {
      mask = any.slice();
      masks.set(cp, mask);
    }
    mask[j >>> 5] = (mask[j >>> 5] ?? 0) | (1 << (j & 31));
  }
  const state = new Uint32Array(words);
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
