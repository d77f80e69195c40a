// Queries on the instance secrets (the data-dir admin token and the enrollment secret): one row each, shared by every instance.
import type { Db } from "./schema.js";

export const ADMIN_TOKEN_SECRET = "admin-token";
export const ENROLL_SECRET = "enroll-secret";
export type SecretName = typeof ADMIN_TOKEN_SECRET | typeof ENROLL_SECRET;

export interface InstanceSecretValues {
  adminToken: string;
  enrollSecret: string;
}

/**
 * Stores these values where the database has none yet (the first instance to start wins, atomically) and
 * answers what the database holds: the values every instance serves.
 */
export async function seedOrReadSecrets(db: Db, local: InstanceSecretValues, now: string): Promise<InstanceSecretValues> {
  await db
    .insertInto("server_secrets")
    .values([
      { name: ADMIN_TOKEN_SECRET, value: local.adminToken, updated_at: now, previous_hash: null, previous_valid_until: null },
      { name: ENROLL_SECRET, value: local.enrollSecret, updated_at: now, previous_hash: null, previous_valid_until: null },
    ])
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const stored = await readSecrets(db);
  if (stored === undefined) throw new Error("server_secrets: the rows just stored are missing");
  return stored;
}

export async function readSecrets(db: Db): Promise<InstanceSecretValues | undefined> {
  const rows = await db.selectFrom("server_secrets").select(["name", "value"]).where("name", "in", [ADMIN_TOKEN_SECRET, ENROLL_SECRET]).execute();
  const adminToken = rows.find((r) => r.name === ADMIN_TOKEN_SECRET)?.value;
  const enrollSecret = rows.find((r) => r.name === ENROLL_SECRET)?.value;
  return adminToken === undefined || enrollSecret === undefined ? undefined : { adminToken, enrollSecret };
}

export interface SecretRow {
  value: string;
  updatedAt: string;
  /** SHA-256 of the value before the last rotation, while it is still accepted. */
  previousHash: string | null;
  previousValidUntil: string | null;
}

export async function readSecret(db: Db, name: SecretName): Promise<SecretRow | undefined> {
  const row = await db.selectFrom("server_secrets").selectAll().where("name", "=", name).executeTakeFirst();
  return row === undefined ? undefined : { value: row.value, updatedAt: row.updated_at, previousHash: row.previous_hash, previousValidUntil: row.previous_valid_until };
}

/** Replaces the value; `previous` keeps the old one's hash accepted until a time (null: not at all). */
export async function replaceSecret(db: Db, name: SecretName, value: string, now: string, previous: { hash: string; validUntil: string } | null): Promise<void> {
  await db
    .updateTable("server_secrets")
    .set({ value, updated_at: now, previous_hash: previous?.hash ?? null, previous_valid_until: previous?.validUntil ?? null })
    .where("name", "=", name)
    .execute();
}
