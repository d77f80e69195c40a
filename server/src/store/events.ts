// Queries on the event feed: each opened/resolved/exempted transition stored with a monotonically increasing id.
import type { ViolationEvent, ViolationEventKind } from "@wegroup/shared";
import { sql } from "kysely";
import { chunks } from "./chunks.js";
import type { Dialect } from "./db.js";
import type { Db } from "./schema.js";

export interface NewEvent {
  kind: ViolationEventKind;
  at: string;
  violation: ViolationEvent["violation"];
}

/** Any constant: the key of the transaction-scoped advisory lock that orders event writers on PostgreSQL. */
const EVENT_ORDER_LOCK = 7_305_001;

/**
 * Inserts in order and answers the events with their sequence numbers, in the same order. Call it inside
 * the transaction, last. On PostgreSQL (`dialect`), several instances commit concurrently: the writer first
 * takes a transaction-scoped advisory lock, held until COMMIT, so that sequence numbers are taken in commit
 * order. A reader that has seen seq N has then seen every committed seq below N, so a feed resuming "after N"
 * misses nothing. (SQLite has one writer at a time: its order is the commit order already.)
 */
export async function insertEvents(db: Db, events: readonly NewEvent[], dialect: Dialect = "sqlite"): Promise<ViolationEvent[]> {
  const out: ViolationEvent[] = [];
  if (events.length > 0 && dialect === "postgres") await sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`.execute(db);
  for (const part of chunks(events, 200)) {
    const rows = await db
      .insertInto("events")
      .values(
        part.map((e) => ({
          kind: e.kind,
          at: e.at,
          violation_id: e.violation.id,
          device_id: e.violation.deviceId,
          violation: JSON.stringify(e.violation),
        })),
      )
      .returning(["id", "kind", "violation_id"])
      .execute();
    // RETURNING order is not promised: match by (violation, kind), unique within one statement.
    const seqOf = new Map(rows.map((r) => [`${r.violation_id}\u0000${r.kind}`, Number(r.id)]));
    for (const e of part) {
      const seq = seqOf.get(`${e.violation.id}\u0000${e.kind}`);
      if (seq === undefined) throw new Error(`event for violation ${e.violation.id} was not stored`);
      out.push({ seq, kind: e.kind, at: e.at, violation: e.violation });
    }
  }
  return out;
}

/** Events after `seq`, oldest first: how a feed resumes from storage. */
export async function eventsAfter(db: Db, seq: number, limit: number): Promise<ViolationEvent[]> {
  const rows = await db.selectFrom("events").selectAll().where("id", ">", seq).orderBy("id").limit(limit).execute();
  return rows.map((r) => ({
    seq: Number(r.id),
    kind: r.kind as ViolationEvent["kind"],
    at: r.at,
    violation: JSON.parse(r.violation) as ViolationEvent["violation"],
  }));
}

/** The highest sequence number stored (0 for none): where a feed that starts now begins. */
export async function lastEventSeq(db: Db): Promise<number> {
  const row = await db
    .selectFrom("events")
    .select((eb) => eb.fn.max("id").as("seq"))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}
