// The webhook signature: HMAC-SHA256 of the exact body bytes, keyed with the hook's secret, as `sha256=<hex>`.
import { createHmac, timingSafeEqual } from "node:crypto";

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/** What a receiver does (the README shows it): recompute and compare in constant time. */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
