import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePattern, foldText, patternMatches, patternProblem } from "./pattern.js";

/** The reference: textbook dynamic programming over code points of the folded strings (quadratic, obviously right). */
function reference(pattern: string, value: string): boolean {
  const p = Array.from(foldText(pattern));
  const v = Array.from(foldText(value));
  let row = new Array<boolean>(v.length + 1).fill(false);
  row[0] = true;
  for (const pc of p) {
    const next = new Array<boolean>(v.length + 1).fill(false);
    if (pc === "*") {
      next[0] = row[0] ?? false;
      for (let j = 1; j <= v.length; j++) next[j] = (row[j] ?? false) || (next[j - 1] ?? false);
    } else {
      for (let j = 1; j <= v.length; j++) next[j] = (row[j - 1] ?? false) && (pc === "?" || pc === v[j - 1]);
    }
    row = next;
  }
  return row[v.length] ?? false;
}

describe("the pattern dialect", () => {
  it.each([
    ["Wireshark * (x64)", "Wireshark 4.0.3 (x64)", true],
    ["wireshark * (x64)", "WIRESHARK 4.0.3 (X64)", true],
    ["Wireshark * (x64)", "Wireshark 4.0.3 x64", false],
    ["!nmap", "nmap", false],
    ["!nmap", "!NMAP", true],
    ["[!w]", "a", false],
    ["[!w]", "[!W]", true],
    ["WEGROUP\\*", "WEGROUP\\j.devries", true],
    ["WEGROUP\\*", "WEGROUP/j.devries", false],
    ["notepad++", "Notepad++", true],
    ["{a,b}", "a", false],
    ["{a,b}", "{A,B}", true],
    ["@scope/*", "@scope/pkg", true],
    ["firefox*", "firefox-esr", true],
    ["*firefox*", "Mozilla Firefox (x64 en-US)", true],
    ["nmap", "nmap-common", false],
    ["?map", "nmap", true],
    ["?map", "map", false],
    ["*", "", true],
    ["a*b*c", "abc", true],
    ["a*b*c", "acb", false],
    ["*.app", "Wireshark.app", true],
    ["strasse", "STRAẞE", true],
    ["Ölafsdóttir", "ÖLAFSDÓTTIR", true],
    // "Café" typed (NFC) against the name macOS stores (NFD: e + combining acute).
    ["café*", "Cafe\u0301 Manager", true],
    ["???", "😀😀😀", true],
    ["??", "😀", false],
  ])("%s against %s is %s", (pattern, value, expected) => {
    expect(patternMatches(pattern, value)).toBe(expected);
    expect(reference(pattern, value)).toBe(expected);
  });

  it("agrees with the reference on random patterns and values over a small alphabet", () => {
    const alphabet = fc.constantFrom("a", "b", "A", "ß", "s", "*", "?", "(", "\\", "é", "e\u0301", "😀");
    const text = fc.array(alphabet, { maxLength: 12 }).map((a) => a.join(""));
    fc.assert(
      fc.property(text, text, (pattern, value) => {
        if (patternProblem(pattern) !== undefined) return;
        expect(patternMatches(pattern, value)).toBe(reference(pattern, value));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3_000) },
    );
  });

  it("agrees with the reference on patterns cut from the value itself (mostly matches)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 20 }), fc.array(fc.nat(), { maxLength: 6 }), (value, cuts) => {
        const chars = Array.from(value);
        for (const cut of cuts) if (chars.length > 0) chars[cut % chars.length] = cut % 2 === 0 ? "*" : "?";
        const pattern = chars.join("");
        if (patternProblem(pattern) !== undefined) return;
        expect(patternMatches(pattern, value)).toBe(reference(pattern, value));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3_000) },
    );
  });

  it("agrees with the reference on star-only patterns (matched on UTF-16 text) around surrogate pairs and lone surrogates in the value", () => {
    const patternUnit = fc.constantFrom("a", "b", "*", "😀", "😁", "ß", "s", "é");
    const valueUnit = fc.constantFrom("a", "b", "😀", "😁", "\ud83d", "\ude00", "S", "e\u0301", "ss");
    fc.assert(
      fc.property(fc.array(patternUnit, { minLength: 1, maxLength: 10 }), fc.array(valueUnit, { maxLength: 12 }), (p, v) => {
        const pattern = p.join("");
        const value = v.join("");
        expect(patternMatches(pattern, value)).toBe(reference(pattern, value));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3_000) },
    );
  });

  it("finishes a 10,000-character adversarial pattern against a 10,000-character subject in milliseconds", () => {
    const cases: [string, string][] = [
      [`${"*a".repeat(5_000)}`, "a".repeat(9_999) + "b"],
      [`${"((*)+)+".repeat(1_400)}x`, "((()))+".repeat(1_428) + "y"],
      [`*${"a".repeat(4_999)}b*`, "a".repeat(10_000)],
      [`*${"?".repeat(5_000)}b`, "a".repeat(10_000)],
    ];
    for (const [pattern, value] of cases) {
      const started = performance.now();
      const result = patternMatches(pattern, value);
      const elapsed = performance.now() - started;
      expect(result).toBe(false);
      // A bound far above the measured ~10 ms, far below the seconds a backtracking matcher takes.
      expect(elapsed).toBeLessThan(1_000);
    }
  });

  it("refuses empty patterns, control characters and lone surrogates, and nothing else", () => {
    expect(patternProblem("")).toMatch(/empty/);
    expect(patternProblem("nmap\u0000")).toMatch(/control/);
    expect(patternProblem("a\ud800b")).toMatch(/surrogate/);
    for (const ok of ["((*)+)+x", "[!w]", "WEGROUP\\*", "!nmap", "Ölafsdóttir", "😀"]) expect(patternProblem(ok)).toBeUndefined();
    expect(() => compilePattern("")).toThrow(/empty/);
  });

  it("exposes the folded literal and prefix the rule index files patterns under", () => {
    expect(compilePattern("NMAP").literal).toBe("nmap");
    expect(compilePattern("Wireshark * (x64)").prefix).toBe("wireshark ");
    expect(compilePattern("*shark").prefix).toBe("");
    expect(compilePattern("STRAẞE*").prefix).toBe("strasse");
  });
});
