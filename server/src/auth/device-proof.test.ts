import { describe, expect, it } from "vitest";
import { testDeviceKey } from "../testing/device-key.js";
import { newHelloNonce, verifyHelloProof } from "./device-proof.js";

describe("newHelloNonce", () => {
  it("gives 32 random bytes in base64url, never the same twice across many draws from the pool", () => {
    const nonces = Array.from({ length: 1_000 }, () => newHelloNonce()); // the pool holds 128: several refills
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(nonce, "base64url")).toHaveLength(32);
    }
    expect(new Set(nonces).size).toBe(nonces.length);
    // Not a counter or a repeated block: the bytes spread over all values (1,000 × 32 bytes, each value ~125 times).
    const counts = new Array<number>(256).fill(0);
    for (const nonce of nonces) for (const byte of Buffer.from(nonce, "base64url")) counts[byte] = (counts[byte] ?? 0) + 1;
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(Math.max(...counts)).toBeLessThan(200);
  });

  it("is what a device signs in its hello: a proof over one nonce does not verify with the next", () => {
    const key = testDeviceKey();
    const [nonce, other] = [newHelloNonce(), newHelloNonce()];
    const signature = key.signHello(nonce, "device-1");
    expect(verifyHelloProof(key.publicKey, nonce, "device-1", signature)).toBe(true);
    expect(verifyHelloProof(key.publicKey, other, "device-1", signature)).toBe(false);
  });
});
