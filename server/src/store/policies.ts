// Queries on policy versions: the newest is the current policy; the first start seeds version 1; each PUT adds the next.
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
    .values({
      version: 1,
      document: JSON.stringify({ ...policy, version: 1 }),
      created_at: now,
      author: "built-in default",
      summary: "built-in default policy",
    })
    .onConflict((oc) => oc.column("version").doNothing())
    .execute();
}

export async function latestPolicy(db: Db): Promise<StoredPolicy | undefined> {
  const row = await db.selectFrom("policies").selectAll().orderBy("version", "desc").limit(1).executeTakeFirst();
  if (row === undefined) return undefined;
  // Parsed with the schema: a document written by an older server gets today's defaults filled in.
  return {
    policy: Policy.parse({ ...(JSON.parse(row.document) as object), version: row.version }),
    createdAt: row.created_at,
    author: row.author,
  };
}

/**
 * Inserts `policy` as `version` unless that version exists already (another writer took it first):
 * answers whether it was inserted, so that the caller can retry on the next number.
 */
export async function insertPolicyVersion(db: Db, v: { policy: Policy; author: string; summary: string; now: string }): Promise<boolean> {
  const rows = await db
    .insertInto("policies")
    .values({ version: v.policy.version, document: JSON.stringify(v.policy), created_at: v.now, author: v.author, summary: v.summary })
    .onConflict((oc) => oc.column("version").doNothing())
    .returning("version")
    .execute();
  return rows.length > 0;
}

export interface PolicyVersionRow {
  version: number;
  author: string;
  createdAt: string;
  summary: string | null;
}

/** Newest first. */
export async function policyHistory(db: Db, limit: number): Promise<PolicyVersionRow[]> {
  const rows = await db
    .selectFrom("policies")
    .select(["version", "author", "created_at", "summary"])
    .orderBy("version", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ version: Number(r.version), author: r.author, createdAt: r.created_at, summary: r.summary }));
}

/** One stored version, its document parsed as stored (defaults of today filled in). */
export async function policyVersion(
  db: Db,
  version: number,
): Promise<(PolicyVersionRow & { summary: string; policy: Policy }) | undefined> {
  const row = await db.selectFrom("policies").selectAll().where("version", "=", version).executeTakeFirst();
  if (row === undefined) return undefined;
  const policy = Policy.parse({ ...(JSON.parse(row.document) as object), version: Number(row.version) });
  return { version: Number(row.version), author: row.author, createdAt: row.created_at, summary: row.summary ?? "", policy };
}

export interface DevicePolicyState {
  id: string;
  hostname: string;
  policyVersion: number | null;
  lastSeen: string | null;
  goodbyeAt: string | null;
}

/** How many devices run each policy version (devices that never said hello have none and are not counted). */
export async function devicesPerPolicyVersion(db: Db): Promise<{ version: number; devices: number }[]> {
  const rows = await db
    .selectFrom("devices")
    .select((eb) => ["policy_version", eb.fn.countAll<number>().as("n")])
    .where("policy_version", "is not", null)
    .groupBy("policy_version")
    .orderBy("policy_version", "desc")
    .execute();
  return rows.map((r) => ({ version: Number(r.policy_version), devices: Number(r.n) }));
}

/** Devices that do not run `version` (yet): the candidates for "pending" in the rollout. */
export async function devicesBehind(db: Db, version: number): Promise<DevicePolicyState[]> {
  const rows = await db
    .selectFrom("devices")
    .select(["id", "hostname", "policy_version", "last_seen", "goodbye_at"])
    .where((eb) => eb.or([eb("policy_version", "is", null), eb("policy_version", "<>", version)]))
    .orderBy("hostname")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    hostname: r.hostname,
    policyVersion: r.policy_version === null ? null : Number(r.policy_version),
    lastSeen: r.last_seen,
    goodbyeAt: r.goodbye_at,
  }));
}
