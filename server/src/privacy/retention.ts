// The retention job: at start and every hour, deletes reports, resolved violations, events and audit entries past the period.
import type { Kysely } from "kysely";
import type { Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import { recordAudit } from "../store/audit.js";
import { type PruneCounts, pruneOlderThan } from "../store/retention.js";
import type { Database } from "../store/schema.js";

export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionRun {
  cutoff: string;
  counts: PruneCounts;
}

export function retentionCutoff(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString();
}

/** Prunes now; a run that deleted something leaves an audit line with the counts (never the rows). */
export async function pruneNow(db: Kysely<Database>, days: number, clock: Clock, actor: string): Promise<RetentionRun> {
  const now = clock.now();
  const cutoff = retentionCutoff(now, days);
  const counts = await pruneOlderThan(db, cutoff);
  if (Object.values(counts).some((n) => n > 0)) {
    await recordAudit(db, {
      at: now.toISOString(),
      actor,
      action: "retention.prune",
      target: `data before ${cutoff}`,
      detail: { retentionDays: days, ...counts },
    });
  }
  return { cutoff, counts };
}

export class RetentionJob {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RetentionRun | undefined> | undefined;
  #stopped = false;

  constructor(private readonly deps: { db: Kysely<Database>; days: number; clock: Clock; logger: Logger; intervalMs?: number }) {}

  /** Runs once now (in the background: a large first prune must not delay serving) and then every interval. */
  start(): void {
    void this.run();
    this.#timer = setInterval(() => void this.run(), this.deps.intervalMs ?? RETENTION_INTERVAL_MS);
    this.#timer.unref();
  }

  /** One run at a time; a tick that finds one running skips. Failures are logged, and the next tick tries again. */
  run(): Promise<RetentionRun | undefined> {
    if (this.#stopped) return Promise.resolve(undefined);
    this.#running ??= (async () => {
      try {
        const run = await pruneNow(this.deps.db, this.deps.days, this.deps.clock, "server");
        const level = Object.values(run.counts).some((n) => n > 0) ? "info" : "debug";
        this.deps.logger[level]({ retentionDays: this.deps.days, cutoff: run.cutoff, ...run.counts }, "retention prune");
        return run;
      } catch (error) {
        this.deps.logger.error({ err: error }, "retention prune failed; retrying at the next interval");
        return undefined;
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  /** Stops the timer and waits for a run in progress (the store closes after this). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#running;
  }
}
