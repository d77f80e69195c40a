// Queries on the event feed: each opened/resolved/exempted transition stored with a monotonically increasing id.
import type { ViolationEvent, ViolationEventKind } from "@wegroup/shared";
import { chunks } from "./chunks.js";
import type { Db } from "./schema.js";

export interface NewEvent {
  kind: ViolationEventKind;
  at: string;
  violation: ViolationEvent["violation"];
}

/** Inserts in order and answers the events with their sequence numbers, in the same order. */
export async function insertEvents(db: Db, events: readonly NewEvent[]): Promise<ViolationEvent[]> {
  const out: ViolationEvent[] = [];
  for (const part of chunks(events, 200)) {
    const rows = await db
      .insertInto("events")
      .values(part.map((e) => ({ kind: e.kind, at: e.at, violation_id: e.violation.id, device_id: e.violation.deviceId, violation: JSON.stringify(e.violation) })))
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
  return rows.map((r) => ({ seq: Number(r.id), kind: r.kind as ViolationEvent["kind"], at: r.at, violation: JSON.parse(r.violation) as ViolationEvent["violation"] }));
}
