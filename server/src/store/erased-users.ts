// Queries on erased users: the key their digests are made with, recording an erasure, and finding the pseudonyms of names seen again.
import { chunks } from "./chunks.js";
import type { Db } from "./schema.js";

export async function erasureKey(db: Db): Promise<Buffer> {
  const row = await db.selectFrom("erasure_key").select("secret").where("id", "=", 1).executeTakeFirst();
  if (row === undefined) throw new Error("no erasure key stored (migration 0006 did not run)");
  return Buffer.from(row.secret, "hex");
}

/** Remembers the digests of an erased name with its pseudonym; a later erasure of the same name keeps the first pseudonym. */
export async function recordErasedUser(db: Db, digests: readonly string[], pseudonym: string, at: string): Promise<void> {
  if (digests.length === 0) return;
  await db
    .insertInto("erased_users")
    .values(digests.map((digest) => ({ digest, pseudonym, erased_at: at })))
    .onConflict((oc) => oc.column("digest").doNothing())
    .execute();
}

/** The pseudonym of each digest that belongs to an erased user. */
export async function pseudonymsOf(db: Db, digests: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks([...new Set(digests)], 500)) {
    const rows = await db.selectFrom("erased_users").select(["digest", "pseudonym"]).where("digest", "in", part).execute();
    for (const r of rows) out.set(r.digest, r.pseudonym);
  }
  return out;
}

/** The pseudonym an earlier erasure gave this name, so that erasing it again does not split one person's history in two. */
export async function existingPseudonym(db: Db, digest: string): Promise<string | undefined> {
  return (await pseudonymsOf(db, [digest])).get(digest);
}
