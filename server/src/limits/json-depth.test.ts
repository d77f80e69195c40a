import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonNestingDepth, nestsDeeperThan } from "./json-depth.js";

const bytes = (text: string): Buffer => Buffer.from(text, "utf8");

describe("jsonNestingDepth", () => {
  it.each([
    ["a scalar", "42", 0],
    ["a flat object", '{"a":1,"b":"x"}', 1],
    ["a hello-like frame", '{"type":"hello","device":{"hostname":"h"}}', 2],
    ["arrays in objects", '{"a":[[1],[2,[3]]]}', 4],
    ["brackets inside strings", '{"a":"[[[[{{{{"}', 1],
    ["an escaped quote inside a string", '{"a":"\\"[[[[","b":[1]}', 2],
    ["an escaped backslash before the closing quote", '{"a":"\\\\","b":[[1]]}', 3],
    ["non-ASCII text", '{"naam":"Ölafsdóttir ✓ [","x":[]}', 2],
  ])("measures %s", (_name, text, depth) => {
    expect(jsonNestingDepth(bytes(text), 100)).toBe(depth);
  });

  it("stops early on a deeply nested 4 MiB body", () => {
    const deep = Buffer.alloc(4 * 1024 * 1024, "[");
    expect(jsonNestingDepth(deep, 16)).toBe(17);
    expect(nestsDeeperThan(deep, 16)).toBe(true);
  });

  it("agrees with JSON.parse's structure on generated documents", () => {
    const depthOf = (v: unknown): number => (v !== null && typeof v === "object" ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), (value) => {
        const text = JSON.stringify(value);
        expect(jsonNestingDepth(bytes(text), 1_000)).toBe(depthOf(JSON.parse(text)));
      }),
      { numRuns: 500 },
    );
  });
});
