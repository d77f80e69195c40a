// Rotating the enrollment secret (the others accepted for a grace period) and a data dir's admin token, audited; and checking a presented enrollment secret.
import { AppError, uuidv7 } from "@wegroup/shared";
import type { Kysely } from "kysely";
import { recordAudit } from "../store/audit.js";
import type { Database, Db } from "../store/schema.js";
import { addEnrollSecretHash, endEnrollSecretsExcept, validEnrollSecretHashes } from "../store/server-secrets.js";
import { addTokenIfNew, findAnyTokenByHash, revokeToken } from "../store/tokens.js";
import { hashSecret, randomSecret, secretMatches } from "./secrets.js";

export const DEFAULT_GRACE_HOURS = 24;

export interface RotatedSecret {
  value: string;
  /** Until when the secrets valid before are still accepted. */
  previousValidUntil: string;
}

/**
 * A new secret, and every other valid one (this data dir's, other instances', earlier rotations') ends after the
 * grace period. Enrolled agents hold their own credentials: a new enrollment secret changes nothing for them.
 */
export async function rotateEnrollSecret(
  db: Kysely<Database>,
  o: { graceHours: number; actor: string; now: Date },
  newSecret: () => string = randomSecret,
): Promise<RotatedSecret> {
  const value = newSecret();
  const at = o.now.toISOString();
  const previousValidUntil = new Date(o.now.getTime() + o.graceHours * 3_600_000).toISOString();
  await db.transaction().execute(async (trx) => {
    await addEnrollSecretHash(trx, hashSecret(value), at);
    const ended = await endEnrollSecretsExcept(trx, hashSecret(value), previousValidUntil);
    await recordAudit(trx, {
      at,
      actor: o.actor,
      action: "enroll-secret.rotate",
      target: "enroll-secret",
      detail: { graceHours: o.graceHours, previousValidUntil, ended },
    });
  });
  return { value, previousValidUntil };
}

export interface RotatedToken {
  value: string;
  id: string;
  /** The token the data dir held before, now revoked (undefined: it was not live). */
  revokedId: string | undefined;
}

/** This data dir's admin token: revoked at once (it is a person's key, not a fleet's) and replaced; other data dirs' tokens stay. */
export async function rotateAdminToken(
  db: Kysely<Database>,
  o: { current: string; name: string; actor: string; now: Date },
  newSecret: () => string = randomSecret,
): Promise<RotatedToken> {
  const value = newSecret();
  const id = uuidv7(o.now.getTime());
  const at = o.now.toISOString();
  const revokedId = await db.transaction().execute(async (trx) => {
    const old = await findAnyTokenByHash(trx, hashSecret(o.current));
    const revoked = old !== undefined && (await revokeToken(trx, old.id, at)) ? old.id : undefined;
    await addTokenIfNew(trx, { id, name: o.name, role: "admin", tokenHash: hashSecret(value), now: at });
    await recordAudit(trx, {
      at,
      actor: o.actor,
      action: "admin-token.rotate",
      target: `token ${id}`,
      detail: { revoked: revoked ?? null },
    });
    return revoked;
  });
  return { value, id, revokedId };
}

export type EnrollSecretCheck = "current" | "previous" | "wrong";

/**
 * Any valid secret enrolls: "current" has no end set, "previous" is in its grace period. Every stored hash is
 * compared in constant time and none is skipped, so the answer time does not say which one matched.
 */
export async function checkEnrollSecret(db: Db, presented: string, now: Date): Promise<EnrollSecretCheck> {
  const valid = await validEnrollSecretHashes(db, now.toISOString());
  if (valid.length === 0) throw new AppError("unavailable", "no enrollment secret is stored yet; retry shortly");
  let found: EnrollSecretCheck = "wrong";
  for (const row of valid) {
    if (secretMatches(presented, row.hash) && found !== "current") found = row.validUntil === null ? "current" : "previous";
  }
  return found;
}
