// The audit log: who changed what and when (policy, exemptions, tokens, exports, erasures, retention).
import type { Kysely, Transaction } from "kysely";
import type { Database, Db } from "./schema.js";

export interface AuditEntry {
  at: string;
  /** The API token's name, or "cli" for the admin CLI, or "server" for the server's own jobs. */
  actor: string;
  /** `<noun>.<verb>`: policy.update, token.create, token.revoke, exemption.create, privacy.erase, retention.prune… */
  action: string;
  /** What it acted on, e.g. "policy v3", "token <id>", "device <id>". Never erased personal data. */
  target: string;
  detail?: Record<string, unknown>;
}

export interface StoredAuditEntry extends AuditEntry {
  id: number;
}

/** Pass the transaction of the change itself, so that the change and its audit line commit together. */
export async function recordAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit")
    .values({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
    })
    .execute();
}

export interface AuditFilter {
  action?: string | undefined;
  /** At or after this time. */
  since?: string | undefined;
  /** Only ids below this one (the keyset cursor). */
  beforeId?: number | undefined;
  limit: number;
}

/** Newest first by id; keyset paging keeps each page one index range. */
export async function queryAudit(db: Db, f: AuditFilter): Promise<StoredAuditEntry[]> {
  let q = db.selectFrom("audit").selectAll();
  if (f.action !== undefined) q = q.where("action", "=", f.action);
  if (f.since !== undefined) q = q.where("at", ">=", f.since);
  if (f.beforeId !== undefined) q = q.where("id", "<", f.beforeId);
  const rows = await q.orderBy("id", "desc").limit(f.limit).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    ...(r.detail === null ? {} : { detail: JSON.parse(r.detail) as Record<string, unknown> }),
  }));
}
