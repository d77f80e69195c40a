// Test support for the agent's parsers: a result or a ParseError, nothing else, on real outputs gone wrong. The fuzzing
// helpers themselves are shared with the server (@wegroup/shared/testing).
import { fuzz, fuzzRuns, mangledTexts } from "@wegroup/shared/testing";
import fc from "fast-check";
import { expect } from "vitest";
import { ParseError } from "../runner/parse-error.js";

export { fuzz, fuzzAsync, fuzzRuns, mangledTexts, mutatedJson } from "@wegroup/shared/testing";

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
export function expectResultOrParseError(
  boundary: string,
  parse: (text: string) => unknown,
  texts: readonly string[],
  normal = 1_000,
): void {
  fuzz(
    boundary,
    mangledTexts(texts),
    (text) => {
      try {
        parse(text);
      } catch (error) {
        if (!(error instanceof ParseError))
          throw new Error(
            `${boundary} threw ${(error as Error).name}: ${(error as Error).message} on ${JSON.stringify(text.slice(0, 200))}`,
          );
      }
    },
    normal,
  );
}
