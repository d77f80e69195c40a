// Deletes what is older than the retention period, in bounded chunks so that ingest is never held up for long.
import type { Db } from "./schema.js";

export interface PruneCounts {
  reports: number;
  violations: number;
  events: number;
  audit: number;
}

/** Rows per DELETE: each chunk is its own short statement, so a large backlog does not block writers. */
const CHUNK = 5_000;

/**
 * Reports received, violations resolved, events and audit entries recorded before `cutoff`. Open and
 * exempted violations are kept however old: they are the current state, not history.
 */
export async function pruneOlderThan(db: Db, cutoff: string): Promise<PruneCounts> {
  return {
    reports: await chunked(() =>
      db
        .deleteFrom("reports")
        .where((eb) =>
          eb(
            eb.refTuple("device_id", "id"),
            "in",
            eb.selectFrom("reports").select(["device_id", "id"]).where("received_at", "<", cutoff).limit(CHUNK).$asTuple("device_id", "id"),
          ),
        )
        .executeTakeFirst(),
    ),
    violations: await chunked(() =>
      db
        .deleteFrom("violations")
        .where("id", "in", (eb) =>
          eb.selectFrom("violations").select("id").where("status", "=", "resolved").where("resolved_at", "<", cutoff).limit(CHUNK),
        )
        .executeTakeFirst(),
    ),
    events: await chunked(() =>
      db
        .deleteFrom("events")
        .where("id", "in", (eb) => eb.selectFrom("events").select("id").where("at", "<", cutoff).orderBy("id").limit(CHUNK))
        .executeTakeFirst(),
    ),
    audit: await chunked(() =>
      db
        .deleteFrom("audit")
        .where("id", "in", (eb) => eb.selectFrom("audit").select("id").where("at", "<", cutoff).orderBy("id").limit(CHUNK))
        .executeTakeFirst(),
    ),
  };
}

async function chunked(run: () => Promise<{ numDeletedRows: bigint }>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = Number((await run()).numDeletedRows);
    total += n;
    if (n < CHUNK) return total;
  }
}

/** Oldest stored time per pruned table: what `admin retention` shows next to the setting. */
export async function oldestRetained(db: Db): Promise<Record<keyof PruneCounts, string | null>> {
  const one = async (q: Promise<{ t: string | null } | undefined>): Promise<string | null> => (await q)?.t ?? null;
  return {
    reports: await one(
      db
        .selectFrom("reports")
        .select((eb) => eb.fn.min("received_at").as("t"))
        .executeTakeFirst(),
    ),
    violations: await one(
      db
        .selectFrom("violations")
        .select((eb) => eb.fn.min("resolved_at").as("t"))
        .where("status", "=", "resolved")
        .executeTakeFirst(),
    ),
    events: await one(
      db
        .selectFrom("events")
        .select((eb) => eb.fn.min("at").as("t"))
        .executeTakeFirst(),
    ),
    audit: await one(
      db
        .selectFrom("audit")
        .select((eb) => eb.fn.min("at").as("t"))
        .executeTakeFirst(),
    ),
  };
}
