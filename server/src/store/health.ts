// Whether the store can take writes now: set by the writers' outcomes, probed back to health while a connection is lost, read by /healthz.
import type { Clock } from "../clock.js";
import type { Logger } from "../logger.js";

export type StoreHealthState = { ok: true } | { ok: false; reason: string; since: string };

export interface StoreHealthOptions {
  clock: Clock;
  logger: Logger;
  /** A cheap liveness query (PostgreSQL `select 1`); absent on SQLite, where only a successful write proves health. */
  probe?: () => Promise<void>;
  probeEveryMs?: number;
}

/**
 * Failures come from real writes (the ingest batches), so the state is what agents experience. A lost
 * connection is probed until it answers, so that health returns without traffic; a full disk is not
 * (a read succeeds while writes fail): the next successful write ends it.
 */
export class StoreHealth {
  #state: StoreHealthState = { ok: true };
  #probing: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly options: StoreHealthOptions) {}

  get state(): StoreHealthState {
    return this.#state;
  }

  failed(reason: string, probe: boolean): void {
    if (this.#stopped) return;
    if (this.#state.ok || this.#state.reason !== reason) {
      const since = this.#state.ok ? this.options.clock.now().toISOString() : this.#state.since;
      if (this.#state.ok)
        this.options.logger.error({ reason }, "the database cannot store data; reports are refused (agents keep them) until it can");
      this.#state = { ok: false, reason, since };
    }
    if (probe && this.options.probe !== undefined) this.#scheduleProbe();
  }

  recovered(): void {
    if (this.#state.ok) return;
    this.options.logger.warn({ reason: this.#state.reason, since: this.#state.since }, "the database stores data again");
    this.#state = { ok: true };
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#probing);
    this.#probing = undefined;
  }

  #scheduleProbe(): void {
    if (this.#probing !== undefined || this.#stopped) return;
    this.#probing = setTimeout(() => {
      const probe = this.options.probe;
      if (probe === undefined) return;
      probe().then(
        () => {
          this.#probing = undefined;
          this.recovered();
        },
        () => {
          this.#probing = undefined;
          if (!this.#state.ok) this.#scheduleProbe();
        },
      );
    }, this.options.probeEveryMs ?? 500);
    this.#probing.unref();
  }
}
