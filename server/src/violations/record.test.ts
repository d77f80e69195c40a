import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, sameJson } from "./record.js";

/** The same value with every object's keys in reverse order. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .reverse()
        .map(([k, v]) => [k, reordered(v)]),
    );
  return value;
}

describe("sameJson", () => {
  it("says what comparing canonical JSON says, for any two JSON values", () => {
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => sameJson(a, b) === (canonicalJson(a) === canonicalJson(b))));
  });

  it("holds a value equal to itself with its keys in another order, and to nothing changed in one leaf", () => {
    fc.assert(fc.property(fc.jsonValue(), (a) => sameJson(a, reordered(a))));
    const title = { name: "Wireshark", version: "4.2.2", identity: { teamId: "7Z6EMTD2C6", signer: "Wireshark Foundation" } };
    expect(
      sameJson(title, { identity: { signer: "Wireshark Foundation", teamId: "7Z6EMTD2C6" }, version: "4.2.2", name: "Wireshark" }),
    ).toBe(true);
    expect(sameJson(title, { ...title, version: "4.2.3" })).toBe(false);
    expect(sameJson(title, { ...title, extra: undefined })).toBe(true);
    expect(sameJson([1, 2], { 0: 1, 1: 2 })).toBe(false);
  });
});
