// Queries on API tokens: stored only as SHA-256 hashes, looked up by hash, revocable.
import { Role } from "@wegroup/shared";
import type { Db } from "./schema.js";

/** A stored role this server knows; anything else (a row written by a newer version) is no role at all. */
function roleOf(stored: string): Role | undefined {
  const parsed = Role.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}

export interface TokenIdentity {
  id: string;
  name: string;
  role: Role;
}

/**
 * A data dir's admin token is an ordinary token row. Instances sharing one data dir may store the same hash at
 * once: insert-or-nothing on any conflict (token_hash is unique), and the caller reads back what is stored.
 */
export async function addTokenIfNew(db: Db, t: TokenIdentity & { tokenHash: string; now: string }): Promise<void> {
  await db
    .insertInto("tokens")
    .values({ id: t.id, name: t.name, role: t.role, token_hash: t.tokenHash, created_at: t.now, revoked_at: null })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The token with this hash, live or revoked; undefined when the database never knew it. */
export async function findAnyTokenByHash(db: Db, tokenHash: string): Promise<(TokenIdentity & { revokedAt: string | null }) | undefined> {
  const row = await db
    .selectFrom("tokens")
    .select(["id", "name", "role", "revoked_at"])
    .where("token_hash", "=", tokenHash)
    .executeTakeFirst();
  return row === undefined ? undefined : { id: row.id, name: row.name, role: roleOf(row.role) ?? "viewer", revokedAt: row.revoked_at };
}

export async function createToken(db: Db, t: TokenIdentity & { tokenHash: string; now: string }): Promise<void> {
  await db
    .insertInto("tokens")
    .values({ id: t.id, name: t.name, role: t.role, token_hash: t.tokenHash, created_at: t.now, revoked_at: null })
    .execute();
}

/** The live token with this hash. Equality on a SHA-256 of a 256-bit secret leaks nothing useful through timing. */
export async function findTokenByHash(db: Db, tokenHash: string): Promise<TokenIdentity | undefined> {
  const row = await db
    .selectFrom("tokens")
    .select(["id", "name", "role"])
    .where("token_hash", "=", tokenHash)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  const role = row === undefined ? undefined : roleOf(row.role);
  if (row === undefined || role === undefined) return undefined;
  return { id: row.id, name: row.name, role };
}

export interface TokenListing extends TokenIdentity {
  createdAt: string;
  revokedAt: string | null;
}

export async function listTokens(db: Db): Promise<TokenListing[]> {
  const rows = await db
    .selectFrom("tokens")
    .select(["id", "name", "role", "created_at", "revoked_at"])
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, role: roleOf(r.role) ?? "viewer", createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/** Which of these token ids are live (not revoked). */
export async function liveTokenIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom("tokens").select("id").where("id", "in", ids).where("revoked_at", "is", null).execute();
  return new Set(rows.map((r) => r.id));
}

/** Answers false when there is no such live token. */
export async function revokeToken(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable("tokens")
    .set({ revoked_at: now })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
