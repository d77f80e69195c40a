import { describe, expect, it } from "vitest";
import { inChunks, postgresText } from "./hot.js";

describe("postgresText", () => {
  it("numbers the placeholders in order and answers the same text for the same input", () => {
    const text = "update devices set last_seen = ?, hostname = ? where id = ?";
    expect(postgresText(text)).toBe("update devices set last_seen = $1, hostname = $2 where id = $3");
    expect(postgresText(text)).toBe(postgresText(text));
  });
});

describe("inChunks", () => {
  it("cuts any count into runs of 100, 25, 5 and 1, in order, losing nothing", () => {
    const items = Array.from({ length: 263 }, (_, i) => i);
    const parts = [...inChunks(items)];
    expect(parts.map((p) => p.length)).toEqual([100, 100, 25, 25, 5, 5, 1, 1, 1]);
    expect(parts.flat()).toEqual(items);
    expect([...inChunks([])]).toEqual([]);
  });
});
