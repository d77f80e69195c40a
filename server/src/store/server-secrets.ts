// Queries on the enrollment secrets: only their hashes are stored, each valid until a rotation ends it.
import type { Db } from "./schema.js";

export interface EnrollSecretHash {
  hash: string;
  /** Null: no end set (not rotated away yet). */
  validUntil: string | null;
}

/** Valid at `now`: no end set, or an end still ahead. */
export async function validEnrollSecretHashes(db: Db, now: string): Promise<EnrollSecretHash[]> {
  const rows = await db
    .selectFrom("enroll_secrets")
    .select(["secret_hash", "valid_until"])
    .where((eb) => eb.or([eb("valid_until", "is", null), eb("valid_until", ">", now)]))
    .execute();
  return rows.map((r) => ({ hash: r.secret_hash, validUntil: r.valid_until }));
}

/** The stored row of this hash, valid or not; undefined when the database never knew it. */
export async function findEnrollSecretHash(db: Db, hash: string): Promise<EnrollSecretHash | undefined> {
  const row = await db
    .selectFrom("enroll_secrets")
    .select(["secret_hash", "valid_until"])
    .where("secret_hash", "=", hash)
    .executeTakeFirst();
  return row === undefined ? undefined : { hash: row.secret_hash, validUntil: row.valid_until };
}

/** Instances sharing a data dir may add the same hash at once: the second insert does nothing. */
export async function addEnrollSecretHash(db: Db, hash: string, now: string): Promise<void> {
  await db
    .insertInto("enroll_secrets")
    .values({ secret_hash: hash, created_at: now, valid_until: null })
    .onConflict((oc) => oc.column("secret_hash").doNothing())
    .execute();
}

/** Every valid secret but `keep` ends at `until` (or earlier, if it already ended earlier). Answers how many were cut short. */
export async function endEnrollSecretsExcept(db: Db, keep: string, until: string): Promise<number> {
  const result = await db
    .updateTable("enroll_secrets")
    .set({ valid_until: until })
    .where("secret_hash", "<>", keep)
    .where((eb) => eb.or([eb("valid_until", "is", null), eb("valid_until", ">", until)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
