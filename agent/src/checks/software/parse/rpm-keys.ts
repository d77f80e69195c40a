// The signing keys an rpm database trusts: its `gpg-pubkey` entries, whose Version is the key's short id.
import type { RpmPackage } from "./rpm-common.js";

export interface RpmKey {
  /** Lower-case hex as the gpg-pubkey Version holds it: the short id (8 digits) or, in newer rpm, longer. */
  id: string;
  userId: string;
}

export function importedKeys(packages: readonly RpmPackage[]): RpmKey[] {
  return packages
    .filter((p) => p.name === "gpg-pubkey" && p.keyUserId !== undefined)
    .map((p) => ({ id: (p.version.split("-")[0] ?? "").toLowerCase(), userId: p.keyUserId ?? "" }));
}

/** The imported key a signature's key id (16 hex digits, or a fingerprint) belongs to: one id ends with the other. */
export function keyFor(keys: readonly RpmKey[], keyId: string): RpmKey | undefined {
  const id = keyId.toLowerCase();
  return keys.find((k) => k.id.length >= 8 && (id.endsWith(k.id) || k.id.endsWith(id)));
}
