import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testDeviceKey } from "../testing/device-key.js";
import { newHelloNonce, parseDevicePublicKey, verifyHelloProof } from "./device-proof.js";

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
    expect(verifyHelloProof(key.publicKey, nonce, "device-2", signature)).toBe(false);
    expect(verifyHelloProof(key.publicKey, nonce, "device-1", "not a signature")).toBe(false);
    expect(verifyHelloProof(testDeviceKey().publicKey, nonce, "device-1", signature)).toBe(false);
  });
});

describe("parseDevicePublicKey", () => {
  const spki = (type: "ed25519" | "x25519" | "ed448"): string =>
    generateKeyPairSync(type as "ed25519")
      .publicKey.export({ format: "der", type: "spki" })
      .toString("base64url");

  it("reads an Ed25519 key in SPKI DER as OpenSSL's decoder does", () => {
    for (let i = 0; i < 50; i++) {
      const text = spki("ed25519");
      const key = parseDevicePublicKey(text);
      expect(key?.asymmetricKeyType).toBe("ed25519");
      const openssl = createPublicKey({ key: Buffer.from(text, "base64url"), format: "der", type: "spki" });
      expect(key?.equals(openssl)).toBe(true);
    }
  });

  it("refuses every other key, a cut or padded one, and text that is not the key's canonical base64url", () => {
    const good = spki("ed25519");
    const der = Buffer.from(good, "base64url");
    const refused = [
      spki("x25519"), // same length, another algorithm
      spki("ed448"),
      generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "der", type: "spki" }).toString("base64url"),
      der.subarray(0, der.length - 1).toString("base64url"),
      Buffer.concat([der, Buffer.from([0])]).toString("base64url"),
      der.subarray(12).toString("base64url"), // the raw key without its SPKI wrapping
      `${good}=`,
      `${good.slice(0, 10)}*${good.slice(10)}`,
      "",
      "not a key",
    ];
    for (const text of refused) expect(parseDevicePublicKey(text), text).toBeUndefined();
  });
});
