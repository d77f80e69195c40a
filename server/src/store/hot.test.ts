import { describe, expect, it } from "vitest";
import { postgresText } from "./hot.js";

describe("postgresText", () => {
  it("numbers the placeholders in order and answers the same text for the same input", () => {
    const text = "update devices set last_seen = ?, hostname = ? where id = ?";
    expect(postgresText(text)).toBe("update devices set last_seen = $1, hostname = $2 where id = $3");
    expect(postgresText(text)).toBe(postgresText(text));
  });
});
