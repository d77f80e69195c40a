// The ingest path: frames from every agent go through one group-commit batcher; events are published after COMMIT.
import type { ReportFrame } from "@wegroup/shared";
import type { Clock } from "../clock.js";
import { monotonicIds } from "../ids.js";
import type { EventBus } from "../events/bus.js";
import type { DeviceActivity } from "../store/devices.js";
import type { Store } from "../store/db.js";
import { type ApplyContext, applyBatch, type IngestItem, type IngestResult } from "./apply.js";
import { Batcher, type BatcherOptions, type Scheduler, timerScheduler } from "./batcher.js";

export class Ingest {
  readonly #batcher: Batcher<IngestItem, IngestResult>;

  constructor(store: Store, clock: Clock, bus: EventBus, options: BatcherOptions, scheduler: Scheduler = timerScheduler) {
    const ctx: ApplyContext = { now: () => clock.now().toISOString(), newId: monotonicIds(clock), dialect: store.dialect };
    this.#batcher = new Batcher<IngestItem, IngestResult>(
      async (items) => {
        const applied = await store.db.transaction().execute((trx) => applyBatch(trx, items, ctx));
        // Committed: only now may anyone hear of it.
        for (const event of applied.events) bus.publish(event);
        return applied.results;
      },
      options,
      scheduler,
    );
  }

  /**
   * Settles after the report is durably stored: `stored` is false when it had been stored before (a resend);
   * `outdated` when it was judged by an older policy than the device has been sent (`policySentVersion`, or what
   * storage says), so that it changed no violation.
   */
  async report(deviceId: string, report: ReportFrame, receivedAt: Date, policySentVersion?: number): Promise<{ stored: boolean; outdated: boolean }> {
    const result = await this.#batcher.submit({ kind: "report", deviceId, report, receivedAt: receivedAt.toISOString(), policySentVersion });
    return result.kind === "report" ? { stored: result.stored, outdated: result.outdated } : { stored: false, outdated: false };
  }

  /** Heartbeats, hellos, policy-applied, goodbye: coalesced per device within a batch. */
  async activity(activity: DeviceActivity): Promise<void> {
    await this.#batcher.submit({ kind: "activity", activity });
  }

  get pending(): number {
    return this.#batcher.pending;
  }

  /** Writes what waits and refuses more. */
  close(): Promise<void> {
    return this.#batcher.close();
  }
}
