import { describe, expect, it } from "vitest";
import { roleSatisfies } from "./roles.js";
import { hashSecret, randomSecret, secretMatches } from "./secrets.js";

describe("secrets", () => {
  it("makes 256-bit random secrets, base64url, different every time", () => {
    const a = randomSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(Array.from({ length: 50 }, () => randomSecret())).size).toBe(50);
  });

  it("hashes with SHA-256 (hex), so that only the hash is stored", () => {
    expect(hashSecret("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it.each([
    ["the same secret", "s3cret-token-value", true],
    ["another secret", "s3cret-token-valuf", false],
    ["a prefix", "s3cret", false],
    ["an empty string", "", false],
  ])("matches a stored hash against %s", (_name, presented, expected) => {
    expect(secretMatches(presented, hashSecret("s3cret-token-value"))).toBe(expected);
  });

  it("does not match a malformed stored hash", () => {
    expect(secretMatches("x", "not-hex")).toBe(false);
  });
});

describe("roles", () => {
  it.each([
    ["viewer", "viewer", true],
    ["viewer", "security", false],
    ["viewer", "admin", false],
    ["security", "viewer", true],
    ["security", "security", true],
    ["security", "admin", false],
    ["admin", "viewer", true],
    ["admin", "security", true],
    ["admin", "admin", true],
  ] as const)("%s satisfies %s: %s", (held, needed, ok) => {
    expect(roleSatisfies(held, needed)).toBe(ok);
  });
});
