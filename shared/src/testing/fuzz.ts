// Test support for agent and server (imported as @wegroup/shared/testing, never by runtime code): fuzzing at two scales —
// thousands of cases in every test run, FUZZ_RUNS in `npm run fuzz` — and the inputs that broke stores and parsers before.
import fc from "fast-check";

/**
 * Cases a property runs: `normal` in the ordinary test run, FUZZ_RUNS × `share` (when larger) in `npm run fuzz`.
 * `share` scales FUZZ_RUNS for a property whose one case is a whole check run (tens of milliseconds).
 */
export function fuzzRuns(normal: number, share = 1): number {
  const wanted = Math.round(Number(process.env.FUZZ_RUNS) * share);
  return Number.isSafeInteger(wanted) && wanted > normal ? wanted : normal;
}

function report(boundary: string, numRuns: number): void {
  if (process.env.FUZZ_RUNS !== undefined) console.info(`[fuzz] ${boundary}: ${numRuns} cases passed`);
}

/**
 * Runs a fast-check property at fuzzing scale and, under `npm run fuzz`, prints the boundary and the
 * number of cases it passed (the figures a hardening report quotes).
 */
export function fuzz<T>(boundary: string, arbitrary: fc.Arbitrary<T>, check: (value: T) => void, normal = 1_000, share = 1): void {
  const numRuns = fuzzRuns(normal, share);
  fc.assert(fc.property(arbitrary, check), { numRuns });
  report(boundary, numRuns);
}

/** The same for an asynchronous check (a whole check run over a fuzzed bundle, a request to a real server). */
export async function fuzzAsync<T>(
  boundary: string,
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => Promise<void>,
  normal = 1_000,
  share = 1,
): Promise<void> {
  const numRuns = fuzzRuns(normal, share);
  await fc.assert(fc.asyncProperty(arbitrary, check), { numRuns });
  report(boundary, numRuns);
}

/** Values that broke stores and parsers before: NUL, lone surrogates, int4 overflow, huge and empty things. */
export const NASTY: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    "",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udfff",
    "😀",
    "Ölafsdóttir",
    "*".repeat(400),
    "%",
    "_",
    "\\",
    2 ** 31,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    -1,
    0.5,
    1e308,
    null,
    true,
    [],
    {},
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
);

/** A JSON value with some leaves (at any depth) replaced: a valid document gone slightly wrong. */
export function mutatedJson(valid: unknown): fc.Arbitrary<unknown> {
  const leaves: string[][] = [];
  const walk = (v: unknown, path: string[]): void => {
    leaves.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, String(i)]));
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(valid, []);
  return fc.array(fc.tuple(fc.constantFrom(...leaves), NASTY), { minLength: 1, maxLength: 4 }).map((edits) => {
    let out: unknown = structuredClone(valid);
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

/** Every string in a JSON value (keys too). */
export function stringsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)]);
  return [];
}

/** Real outputs cut anywhere, with junk spliced in anywhere, and random strings. */
export function mangledTexts(texts: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...texts), fc.nat(), fc.nat())
      .map(([t, a, b]) => t.slice(Math.min(a, b) % (t.length + 1), Math.max(a, b) % (t.length + 1))),
    fc
      .tuple(fc.constantFrom(...texts), fc.nat(), fc.string({ maxLength: 20 }))
      .map(([t, at, junk]) => t.slice(0, at % (t.length + 1)) + junk + t.slice(at % (t.length + 1))),
    fc.string({ maxLength: 200 }),
  );
}
