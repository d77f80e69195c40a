// Where a group-commit batch is applied: in this thread on the server's own connection, or in the SQLite writer thread (writer-thread.ts).
import type { ViolationEvent } from "@wegroup/shared";
import { ErasedUserFilter } from "../privacy/reidentify.js";
import type { Store } from "../store/db.js";
import type { Db } from "../store/schema.js";
import { type ApplyContext, applyBatch, type IngestItem, type IngestResult } from "./apply.js";

/** What a committed batch answers: one result per item, in order, and the events it stored (to publish after COMMIT). */
export interface AppliedItems {
  results: IngestResult[];
  events: ViolationEvent[];
}

/** Applies a batch in one transaction; throws the database's error (unclassified) when nothing of it was written. */
export interface BatchApplier {
  apply(items: readonly IngestItem[]): Promise<AppliedItems>;
  /** Lets the last batch finish and frees what the applier holds (not the store it was given). */
  close(): Promise<void>;
}

/** The batch in one transaction on `store`; an erased user still on a reporting device is pseudonymised again before anything is stored. */
export function storeApplier(store: Store, ctx: ApplyContext): BatchApplier {
  const erased = new ErasedUserFilter();
  return {
    async apply(items) {
      const applied = await store.db
        .transaction()
        .execute(async (trx) => applyBatch(trx, await withoutErasedUsers(trx, erased, items), ctx));
      return { results: applied.results, events: applied.events };
    },
    close: () => Promise.resolve(),
  };
}

async function withoutErasedUsers(db: Db, filter: ErasedUserFilter, items: readonly IngestItem[]): Promise<IngestItem[]> {
  const at = items.flatMap((item, i) => (item.kind === "report" ? [i] : []));
  const reports = await filter.apply(
    db,
    at.map((i) => (items[i] as Extract<IngestItem, { kind: "report" }>).report),
  );
  const out = [...items];
  at.forEach((i, k) => {
    const item = items[i] as Extract<IngestItem, { kind: "report" }>;
    out[i] = { ...item, report: reports[k] ?? item.report };
  });
  return out;
}
