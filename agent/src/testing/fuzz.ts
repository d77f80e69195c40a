// Test support: fuzzing at two scales (thousands of cases in every test run, FUZZ_RUNS in `npm run fuzz`), and the parser property: a result or a ParseError, nothing else.
import fc from "fast-check";
import { expect } from "vitest";
import { ParseError } from "../runner/parse-error.js";

/** Cases a property runs: `normal` in the ordinary test run, FUZZ_RUNS (when larger) in `npm run fuzz`. */
export function fuzzRuns(normal: number): number {
  const wanted = Number(process.env.FUZZ_RUNS);
  return Number.isSafeInteger(wanted) && wanted > normal ? wanted : normal;
}

/**
 * Runs a fast-check property at fuzzing scale and, under `npm run fuzz`, prints the boundary and the
 * number of cases it passed (the figures a hardening report quotes).
 */
export function fuzz<T>(boundary: string, arbitrary: fc.Arbitrary<T>, check: (value: T) => void, normal = 1_000): void {
  const numRuns = fuzzRuns(normal);
  fc.assert(fc.property(arbitrary, check), { numRuns });
  if (process.env.FUZZ_RUNS !== undefined) console.info(`[fuzz] ${boundary}: ${numRuns} cases passed`);
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
