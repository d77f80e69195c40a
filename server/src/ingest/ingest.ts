// The ingest path: frames from every agent go through one group-commit batcher; events are published after COMMIT.
import type { ReportFrame } from "@wegroup/shared";
import type { Clock } from "../clock.js";
import { monotonicIds } from "../ids.js";
import type { EventBus } from "../events/bus.js";
import type { DeviceActivity } from "../store/devices.js";
import type { Store } from "../store/db.js";
import { classifyStoreError, ItemRefusedError, StoreUnavailableError } from "../store/failure.js";
import type { StoreHealth } from "../store/health.js";
import type { ApplyContext, IngestItem, IngestResult } from "./apply.js";
import { type AppliedItems, type BatchApplier, storeApplier } from "./applier.js";
import { Batcher, type BatcherOptions, type Scheduler, timerScheduler } from "./batcher.js";

/** What the ingest path tells the store's health (absent in tests that do not look at it). */
export type StoreHealthSink = Pick<StoreHealth, "failed" | "recovered">;

export class Ingest {
  readonly #batcher: Batcher<IngestItem, IngestResult>;
  readonly #applier: BatchApplier;

  /**
   * Batches are applied by `options.applier` when given (the SQLite writer thread), else in this thread on `store`
   * with `clock`'s time and ids.
   */
  constructor(
    store: Store,
    clock: Clock,
    bus: EventBus,
    options: BatcherOptions &
      Pick<ApplyContext, "maxOpenedPerDevicePerDay"> & { onBatch?: (items: number, seconds: number) => void; applier?: BatchApplier },
    health?: StoreHealthSink,
    scheduler: Scheduler = timerScheduler,
  ) {
    const applier =
      options.applier ??
      storeApplier(store, {
        now: () => clock.now().toISOString(),
        newId: monotonicIds(clock),
        dialect: store.dialect,
        ...(options.maxOpenedPerDevicePerDay === undefined ? {} : { maxOpenedPerDevicePerDay: options.maxOpenedPerDevicePerDay }),
      });
    this.#applier = applier;
    this.#batcher = new Batcher<IngestItem, IngestResult>(
      async (items) => {
        let applied: AppliedItems;
        const started = performance.now();
        try {
          applied = await applier.apply(items);
        } catch (error) {
          throw storeError(error, health);
        }
        health?.recovered();
        options.onBatch?.(items.length, (performance.now() - started) / 1000);
        // Committed: only now may anyone hear of it.
        for (const event of applied.events) bus.publish(event);
        return applied.results;
      },
      // A store that cannot write fails every part of a batch alike: only other failures are worth isolating.
      { ...options, splitOnError: (error) => !(error instanceof StoreUnavailableError) },
      scheduler,
    );
  }

  /**
   * Settles after the report is durably stored: `stored` is false when it had been stored before (a resend);
   * `outdated` when it was judged by an older policy than the device has been sent (`policySentVersion`, or what
   * storage says), so that it changed no violation. Rejects with StoreUnavailableError (send it again later) or
   * ItemRefusedError (never storable).
   */
  async report(
    deviceId: string,
    report: ReportFrame,
    receivedAt: Date,
    policySentVersion?: number,
  ): Promise<{ stored: boolean; outdated: boolean }> {
    const result = await this.#batcher.submit({
      kind: "report",
      deviceId,
      report,
      receivedAt: receivedAt.toISOString(),
      policySentVersion,
    });
    if (result.kind === "refused") throw new ItemRefusedError(result.message, result.code);
    return result.kind === "report" ? { stored: result.stored, outdated: result.outdated } : { stored: false, outdated: false };
  }

  /** Heartbeats, hellos, policy-applied, goodbye: coalesced per device within a batch. */
  async activity(activity: DeviceActivity): Promise<void> {
    await this.#batcher.submit({ kind: "activity", activity });
  }

  get pending(): number {
    return this.#batcher.pending;
  }

  /** Writes what waits, refuses more, then closes the applier. */
  async close(): Promise<void> {
    await this.#batcher.close();
    await this.#applier.close();
  }
}

/** A database error as the ingest path's callers act on it; the store's health follows what the writes meet. */
function storeError(error: unknown, health: StoreHealthSink | undefined): unknown {
  const failure = classifyStoreError(error);
  if (failure?.kind === "unavailable") {
    health?.failed(failure.reason, failure.probe);
    return new StoreUnavailableError(failure.reason);
  }
  if (failure?.kind === "refused") return new ItemRefusedError(failure.reason);
  return error;
}
