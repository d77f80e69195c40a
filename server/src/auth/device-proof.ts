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

/** The key, when the text is an Ed25519 public key in SPKI DER, base64url; undefined otherwise. */
export function parseDevicePublicKey(text: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(text, "base64url"), format: "der", type: "spki" });
    return key.asymmetricKeyType === "ed25519" ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `signature` signs this connection's nonce and this device id with the key. */
export function verifyHelloProof(publicKey: string, nonce: string, deviceId: string, signature: string): boolean {
  const key = parseDevicePublicKey(publicKey);
  if (key === undefined) return false;
  try {
    return verify(null, Buffer.from(helloProofText(nonce, deviceId), "utf8"), key, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}
