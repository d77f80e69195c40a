// Test support: a parser must return a result or throw a ParseError — nothing else — on mangled real output.
import fc from "fast-check";
import { expect } from "vitest";
import { ParseError } from "../runner/parse-error.js";

/** Real outputs cut anywhere, with junk spliced in anywhere, and random strings. */
export function mangledTexts(texts: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(fc.constantFrom(...texts), fc.nat(), fc.nat()).map(([t, a, b]) => t.slice(Math.min(a, b) % (t.length + 1), Math.max(a, b) % (t.length + 1))),
    fc.tuple(fc.constantFrom(...texts), fc.nat(), fc.string({ maxLength: 20 })).map(([t, at, junk]) => t.slice(0, at % (t.length + 1)) + junk + t.slice(at % (t.length + 1))),
    fc.string({ maxLength: 200 }),
  );
}

/** Asserts that `parse` answers rows (an array) or throws a ParseError on every mangled variant of `texts`. */
export function expectRowsOrParseError(parse: (text: string) => unknown, texts: readonly string[], numRuns = 300): void {
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
