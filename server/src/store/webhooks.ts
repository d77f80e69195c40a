// Queries on SIEM webhooks: registration, delivery state, and the lease that lets one instance deliver each hook at a time.
import type { ViolationEventKind } from "@wegroup/shared";
import type { Db, WebhooksTable } from "./schema.js";

export interface StoredWebhook {
  id: string;
  url: string;
  secret: string;
  events: ViolationEventKind[];
  createdAt: string;
  createdBy: string;
  paused: boolean;
  lastEventId: number;
  attempts: number;
  nextAttemptAt: string | null;
  lastDeliveredAt: string | null;
  lastError: string | null;
  delivered: number;
  failures: number;
}

function fromRow(r: WebhooksTable): StoredWebhook {
  return {
    id: r.id,
    url: r.url,
    secret: r.secret,
    events: JSON.parse(r.events) as ViolationEventKind[],
    createdAt: r.created_at,
    createdBy: r.created_by,
    paused: Number(r.paused) === 1,
    lastEventId: Number(r.last_event_id),
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    lastDeliveredAt: r.last_delivered_at,
    lastError: r.last_error,
    delivered: Number(r.delivered),
    failures: Number(r.failures),
  };
}

export async function insertWebhook(
  db: Db,
  hook: {
    id: string;
    url: string;
    secret: string;
    events: readonly ViolationEventKind[];
    createdAt: string;
    createdBy: string;
    lastEventId: number;
  },
): Promise<void> {
  await db
    .insertInto("webhooks")
    .values({
      id: hook.id,
      url: hook.url,
      secret: hook.secret,
      events: JSON.stringify(hook.events),
      created_at: hook.createdAt,
      created_by: hook.createdBy,
      paused: 0,
      last_event_id: hook.lastEventId,
      attempts: 0,
      next_attempt_at: null,
      last_delivered_at: null,
      last_error: null,
      delivered: 0,
      failures: 0,
      lease_owner: null,
      lease_until: null,
    })
    .execute();
}

export async function listWebhooks(db: Db): Promise<StoredWebhook[]> {
  const rows = await db.selectFrom("webhooks").selectAll().orderBy("created_at").orderBy("id").execute();
  return rows.map(fromRow);
}

export async function findWebhook(db: Db, id: string): Promise<StoredWebhook | undefined> {
  const row = await db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
  return row === undefined ? undefined : fromRow(row);
}

/** Answers false when there is no such hook. */
export async function deleteWebhook(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom("webhooks").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Pausing keeps the hook's place; resuming also clears the wait of a failing receiver, so it is tried at once. */
export async function setWebhookPaused(db: Db, id: string, paused: boolean): Promise<boolean> {
  const result = await db
    .updateTable("webhooks")
    .set(paused ? { paused: 1 } : { paused: 0, next_attempt_at: null })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Stored events of these kinds after `seq`: what the receiver has still to get. */
export async function pendingEvents(db: Db, seq: number, kinds: readonly ViolationEventKind[]): Promise<number> {
  if (kinds.length === 0) return 0;
  const row = await db
    .selectFrom("events")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("id", ">", seq)
    .where("kind", "in", [...kinds])
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Takes (or renews) the hook's lease for `owner` until `until` when it is free, expired or already `owner`'s:
 * one atomic UPDATE, so on SQLite and PostgreSQL alike exactly one instance wins. Answers the hook when won.
 */
export async function acquireLease(db: Db, id: string, owner: string, now: string, until: string): Promise<StoredWebhook | undefined> {
  const result = await db
    .updateTable("webhooks")
    .set({ lease_owner: owner, lease_until: until })
    .where("id", "=", id)
    .where("paused", "=", 0)
    .where((eb) => eb.or([eb("lease_owner", "is", null), eb("lease_owner", "=", owner), eb("lease_until", "<", now)]))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return undefined;
  const hook = await findWebhook(db, id);
  // Another instance may have taken it between the two statements only if our lease expired meanwhile.
  return hook;
}

/** Gives the lease back (stopping): another instance may take the hook at once. */
export async function releaseLeases(db: Db, owner: string): Promise<void> {
  await db.updateTable("webhooks").set({ lease_owner: null, lease_until: null }).where("lease_owner", "=", owner).execute();
}

export type DeliveryOutcome =
  | { kind: "delivered"; seq: number; at: string }
  | { kind: "skipped"; seq: number }
  | { kind: "failed"; error: string; nextAttemptAt: string };

/**
 * Records an outcome while `owner` holds the lease (renewing it to `leaseUntil`); false when the lease was lost
 * or the hook deleted or paused meanwhile (the caller stops delivering it).
 */
export async function recordOutcome(db: Db, id: string, owner: string, outcome: DeliveryOutcome, leaseUntil: string): Promise<boolean> {
  let update = db.updateTable("webhooks").where("id", "=", id).where("lease_owner", "=", owner).where("paused", "=", 0);
  switch (outcome.kind) {
    case "delivered":
      update = update
        .set((eb) => ({
          last_event_id: outcome.seq,
          attempts: 0,
          next_attempt_at: null,
          last_error: null,
          last_delivered_at: outcome.at,
          delivered: eb("delivered", "+", 1),
          lease_until: leaseUntil,
        }))
        // Never backwards (a stale lease holder finishing late).
        .where("last_event_id", "<", outcome.seq);
      break;
    case "skipped":
      update = update.set({ last_event_id: outcome.seq, lease_until: leaseUntil }).where("last_event_id", "<", outcome.seq);
      break;
    case "failed":
      update = update.set((eb) => ({
        attempts: eb("attempts", "+", 1),
        failures: eb("failures", "+", 1),
        next_attempt_at: outcome.nextAttemptAt,
        last_error: outcome.error,
        lease_until: leaseUntil,
      }));
      break;
  }
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
