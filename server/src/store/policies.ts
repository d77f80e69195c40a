// Queries on policy versions: the newest is the current policy; the first start seeds version 1.
import { Policy } from "@wegroup/shared";
import type { Db } from "./schema.js";

export interface StoredPolicy {
  policy: Policy;
  createdAt: string;
  author: string;
}

/** Stores `policy` as version 1 unless some version exists (several instances may start at once). */
export async function seedInitialPolicy(db: Db, policy: Policy, now: string): Promise<void> {
  await db
    .insertInto("policies")
    .values({ version: 1, document: JSON.stringify({ ...policy, version: 1 }), created_at: now, author: "built-in default" })
    .onConflict((oc) => oc.column("version").doNothing())
    .execute();
}

export async function latestPolicy(db: Db): Promise<StoredPolicy | undefined> {
  const row = await db.selectFrom("policies").selectAll().orderBy("version", "desc").limit(1).executeTakeFirst();
  if (row === undefined) return undefined;
  // Parsed with the schema: a document written by an older server gets today's defaults filled in.
  return { policy: Policy.parse({ ...(JSON.parse(row.document) as object), version: row.version }), createdAt: row.created_at, author: row.author };
}
