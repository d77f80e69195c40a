import { describe, expect, it } from "vitest";
import { signBody, verifySignature } from "./sign.js";

describe("webhook signature", () => {
  it("is HMAC-SHA256 as RFC 4231 test case 2 gives it (key 'Jefe')", () => {
    expect(signBody("Jefe", "what do ya want for nothing?")).toBe(
      "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("verifies its own signature and refuses any other body, secret or header", () => {
    const body = JSON.stringify({ id: 7, event: "opened" });
    const header = signBody("a-secret-of-sixteen+", body);
    expect(verifySignature("a-secret-of-sixteen+", body, header)).toBe(true);
    expect(verifySignature("a-secret-of-sixteen-", body, header)).toBe(false);
    expect(verifySignature("a-secret-of-sixteen+", `${body} `, header)).toBe(false);
    expect(verifySignature("a-secret-of-sixteen+", body, header.toUpperCase())).toBe(false);
    expect(verifySignature("a-secret-of-sixteen+", body, undefined)).toBe(false);
    expect(verifySignature("a-secret-of-sixteen+", body, "sha256=")).toBe(false);
  });
});
