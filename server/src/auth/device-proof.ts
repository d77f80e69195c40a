// Device keys on the server: an Ed25519 public key is parsed once to check it, and a hello's signature is verified against it.
import { createPublicKey, type KeyObject, randomBytes, verify } from "node:crypto";
import { helloProofText } from "@wegroup/shared";

const NONCE_BYTES = 32;
const NONCES_PER_DRAW = 128;
let pool = Buffer.alloc(0);
let next = 0;

/**
 * A fresh 32-byte nonce (base64url) for a connection's hello proof. Drawn from the CSPRNG 128 at a time, as Node
 * does for randomUUID: one randomBytes call costs ~6.5 µs whatever its size (a reconnecting fleet asks 10,000 at
 * once), a slice of the pool ~0.3 µs. Each nonce's bytes are zeroed once taken.
 */
export function newHelloNonce(): string {
  if (next + NONCE_BYTES > pool.length) {
    pool = randomBytes(NONCE_BYTES * NONCES_PER_DRAW);
    next = 0;
  }
  const bytes = pool.subarray(next, next + NONCE_BYTES);
  next += NONCE_BYTES;
  const nonce = bytes.toString("base64url");
  bytes.fill(0);
  return nonce;
}

/** SubjectPublicKeyInfo of an Ed25519 key (RFC 8410) up to the key itself: SEQUENCE, AlgorithmIdentifier 1.3.101.112, BIT STRING. */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const ED25519_SPKI_BYTES = ED25519_SPKI_PREFIX.length + 32;

/**
 * The key, when the text is an Ed25519 public key in SPKI DER, base64url; undefined otherwise. Every hello of a keyed
 * device needs it: the DER has one fixed form, so it is checked byte for byte here and the 32-byte key imported as a
 * JWK (6 µs), where OpenSSL's DER decoder takes 80 µs on the event loop (0.8 s for a fleet of 10,000 reconnecting).
 */
export function parseDevicePublicKey(text: string): KeyObject | undefined {
  const der = Buffer.from(text, "base64url");
  if (der.length !== ED25519_SPKI_BYTES || !der.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX)) return undefined;
  // base64url decoding skips what is not in its alphabet: only the canonical text of these bytes is the key.
  if (der.toString("base64url") !== text) return undefined;
  try {
    const x = der.subarray(ED25519_SPKI_PREFIX.length).toString("base64url");
    return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
  } catch {
    return undefined;
  }
}

/**
 * Whether `signature` signs this connection's nonce and this device id with the key (Ed25519, ~90 µs). On the event
 * loop: handing it to libuv's thread pool measured slower on two cores (connect-all of 10,000 signed hellos 5.2 →
 * 6.0 s), the pool's threads taking the core the event loop and the SQLite writer need.
 */
export function verifyHelloProof(publicKey: string, nonce: string, deviceId: string, signature: string): boolean {
  const key = parseDevicePublicKey(publicKey);
  if (key === undefined) return false;
  try {
    return verify(null, Buffer.from(helloProofText(nonce, deviceId), "utf8"), key, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}
