// Test support: fuzzing at two scales (thousands of cases in every test run, FUZZ_RUNS in `npm run fuzz`), and the parser property: a result or a ParseError, nothing else.
import fc from "fast-check";
import { expect } from "vitest";
import { ParseError } from "../runner/parse-error.js";

/**
 * Cases a property runs: `normal` in the ordinary test run, FUZZ_RUNS (when larger) in `npm run fuzz`.
 * `share` scales FUZZ_RUNS for a property whose one case is a whole check run (tens of milliseconds).
 */
export function fuzzRuns(normal: number, share = 1): number {
  const wanted = Math.round(Number(process.env.FUZZ_RUNS) * share);
  return Number.isSafeInteger(wanted) && wanted > normal ? wanted : normal;
}

/**
 * Runs a fast-check property at fuzzing scale and, under `npm run fuzz`, prints the boundary and the
 * number of cases it passed (the figures a hardening report quotes).
 */
export function fuzz<T>(boundary: string, arbitrary: fc.Arbitrary<T>, check: (value: T) => void, normal = 1_000, share = 1): void {
  const numRuns = fuzzRuns(normal, share);
  fc.assert(fc.property(arbitrary, check), { numRuns });
  if (process.env.FUZZ_RUNS !== undefined) console.info(`[fuzz] ${boundary}: ${numRuns} cases passed`);
}

/** The same for an asynchronous check (a whole check run over a fuzzed bundle). */
export async function fuzzAsync<T>(boundary: string, arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<void>, normal = 1_000, share = 1): Promise<void> {
  const numRuns = fuzzRuns(normal, share);
  await fc.assert(fc.asyncProperty(arbitrary, check), { numRuns });
  if (process.env.FUZZ_RUNS !== undefined) console.info(`[fuzz] ${boundary}: ${numRuns} cases passed`);
}

/** A JSON value with some of its leaves (at any depth) replaced by arbitrary JSON: a valid document gone slightly wrong. */
export function mutatedJson(valid: unknown): fc.Arbitrary<unknown> {
  const leaves: string[][] = [];
  const walk = (v: unknown, path: string[]): void => {
    leaves.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, String(i)]));
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(valid, []);
  const nasty = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom("", "\u0000", "\ud800", "😀", "*".repeat(300), 2 ** 31, -1, 1e308, Number.MAX_SAFE_INTEGER, null, [], {}),
    fc.string({ unit: "binary", maxLength: 40 }),
  );
  return fc.array(fc.tuple(fc.constantFrom(...leaves), nasty), { minLength: 1, maxLength: 4 }).map((edits) => {
    const copy = structuredClone(valid) as Record<string, unknown>;
    let out: unknown = copy;
    for (const [path, shared] of edits) {
      // A copy: the constant arbitraries hand out one instance, which must neither be edited nor end up inside itself.
      const value = structuredClone(shared);
      if (path.length === 0) {
        out = value;
        continue;
      }
      let at: unknown = out;
      for (const key of path.slice(0, -1)) at = at !== null && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined;
      if (at !== null && typeof at === "object") (at as Record<string, unknown>)[path[path.length - 1] ?? ""] = value;
    }
    return out;
  });
}

/** Real outputs cut anywhere, with junk spliced in anywhere, and random strings. */
export function mangledTexts(texts: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(fc.constantFrom(...texts), fc.nat(), fc.nat()).map(([t, a, b]) => t.slice(Math.min(a, b) % (t.length + 1), Math.max(a, b) % (t.length + 1))),
    fc.tuple(fc.constantFrom(...texts), fc.nat(), fc.string({ maxLength: 20 })).map(([t, at, junk]) => t.slice(0, at % (t.length + 1)) + junk + t.slice(at % (t.length + 1))),
    fc.string({ maxLength: 200 }),
  );
}

/** Asserts that `parse` answers rows (an array) or throws a ParseError on every mangled variant of `texts`. */
export function expectRowsOrParseError(parse: (text: string) => unknown, texts: readonly string[], numRuns = fuzzRuns(300)): void {
  fc.assert(
    fc.property(mangledTexts(texts), (text) => {
      try {
        expect(Array.isArray(parse(text))).toBe(true);
      } catch (error) {
        expect(error).toBeInstanceOf(ParseError);
      }
    }),
    { numRuns },
  );
}

/** Asserts that `parse` answers or throws a ParseError (never a TypeError, RangeError…) on mangled variants of `texts`. */
export function expectResultOrParseError(boundary: string, parse: (text: string) => unknown, texts: readonly string[], normal = 1_000): void {
  fuzz(boundary, mangledTexts(texts), (text) => {
    try {
      parse(text);
    } catch (error) {
      if (!(error instanceof ParseError)) throw new Error(`${boundary} threw ${(error as Error).name}: ${(error as Error).message} on ${JSON.stringify(text.slice(0, 200))}`);
    }
  }, normal);
}
