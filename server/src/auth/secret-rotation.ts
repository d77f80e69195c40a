// Rotating the enrollment secret (the old one accepted for a grace period) and the data-dir admin token, audited; and checking a presented enrollment secret.
import type { Kysely } from "kysely";
import { AppError } from "@wegroup/shared";
import { recordAudit } from "../store/audit.js";
import type { Database, Db } from "../store/schema.js";
import { ADMIN_TOKEN_SECRET, ENROLL_SECRET, readSecret, replaceSecret } from "../store/server-secrets.js";
import { DATA_DIR_ADMIN_TOKEN_ID, seedDataDirAdminToken } from "../store/tokens.js";
import { hashSecret, randomSecret, secretMatches } from "./secrets.js";

export const DEFAULT_GRACE_HOURS = 24;

export interface Rotated {
  value: string;
  /** Until when the previous value is still accepted (null: no longer). */
  previousValidUntil: string | null;
}

/** Enrolled agents hold their own credentials: a new enrollment secret changes nothing for them. */
export async function rotateEnrollSecret(db: Kysely<Database>, o: { graceHours: number; actor: string; now: Date }, newSecret: () => string = randomSecret): Promise<Rotated> {
  const value = newSecret();
  const at = o.now.toISOString();
  const previousValidUntil = o.graceHours > 0 ? new Date(o.now.getTime() + o.graceHours * 3_600_000).toISOString() : null;
  await db.transaction().execute(async (trx) => {
    const current = await readSecret(trx, ENROLL_SECRET);
    if (current === undefined) throw new AppError("conflict", "the database holds no enrollment secret yet: start the server once");
    await replaceSecret(trx, ENROLL_SECRET, value, at, previousValidUntil === null ? null : { hash: hashSecret(current.value), validUntil: previousValidUntil });
    await recordAudit(trx, { at, actor: o.actor, action: "enroll-secret.rotate", target: "enroll-secret", detail: { graceHours: o.graceHours, previousValidUntil } });
  });
  return { value, previousValidUntil };
}

/** The data-dir admin token: replaced at once (it is a person's key, not a fleet's), on every instance. */
export async function rotateAdminToken(db: Kysely<Database>, o: { actor: string; now: Date }, newSecret: () => string = randomSecret): Promise<Rotated> {
  const value = newSecret();
  const at = o.now.toISOString();
  await db.transaction().execute(async (trx) => {
    if ((await readSecret(trx, ADMIN_TOKEN_SECRET)) === undefined) throw new AppError("conflict", "the database holds no admin token yet: start the server once");
    await replaceSecret(trx, ADMIN_TOKEN_SECRET, value, at, null);
    await seedDataDirAdminToken(trx, hashSecret(value), at);
    await recordAudit(trx, { at, actor: o.actor, action: "admin-token.rotate", target: `token ${DATA_DIR_ADMIN_TOKEN_ID}` });
  });
  return { value, previousValidUntil: null };
}

export type EnrollSecretCheck = "current" | "previous" | "wrong";

/** The current enrollment secret, or the one before a rotation while its grace period lasts. */
export async function checkEnrollSecret(db: Db, presented: string, now: Date): Promise<EnrollSecretCheck> {
  const row = await readSecret(db, ENROLL_SECRET);
  if (row === undefined) throw new AppError("unavailable", "the enrollment secret is not stored yet; retry shortly");
  if (secretMatches(presented, hashSecret(row.value))) return "current";
  if (row.previousHash !== null && row.previousValidUntil !== null && now.toISOString() < row.previousValidUntil && secretMatches(presented, row.previousHash)) {
    return "previous";
  }
  return "wrong";
}
