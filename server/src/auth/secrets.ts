// Random bearer secrets and their hashes: only hashes are stored, comparisons take constant time.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** 32 random bytes, base64url: what admin tokens, API tokens, device credentials and the enroll secret are made of. */
export function randomSecret(random: (size: number) => Buffer = randomBytes): string {
  return random(32).toString("base64url");
}

/** SHA-256 is enough for 256-bit random secrets: there is nothing to brute-force, so no slow KDF is needed. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Compares a presented secret with a stored hash without leaking, through timing, how much matched. */
export function secretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
