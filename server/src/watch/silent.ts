// The agent-silent watchdog: a device whose agent said it was stopped or removed (a `service-stop`/`uninstall` goodbye)
// gets agent-silent within seconds; a device unseen for more than maxOfflineDays gets it too. Raised once across instances.
// (An agent that comes back after an unexplained gap in the same OS boot is judged at its hello: ingest/apply.ts.)
import type { ViolationEvent } from "@wegroup/shared";
import type { Clock } from "../clock.js";
import { SILENT_HEARTBEATS } from "../devices/status.js";
import type { EventBus } from "../events/bus.js";
import type { Logger } from "../logger.js";
import type { CurrentPolicy } from "../policy/current.js";
import type { Store } from "../store/db.js";
import { insertEvents, type NewEvent } from "../store/events.js";
import { standingExemptions } from "../store/exemptions.js";
import { AGENT_SILENT, openSilentViolation, SILENT_SUBJECT, type SilentDevice, silentDevices, stoppedDevices } from "../store/silent.js";
import { openingStatus } from "../violations/exemption.js";
import { canonicalReason, GOODBYE_GRACE_MS, GOODBYE_SLACK_MS, type SilentText, stoppedText, unseenText } from "../violations/presence.js";
import type { ViolationRecord } from "../violations/record.js";
import { toApiViolation } from "../violations/record.js";

const DAY_MS = 86_400_000;
/** How often every instance sweeps: a stopped agent is flagged within GOODBYE_GRACE_MS plus this. */
export const SWEEP_PERIOD_MS = 1_000;

export interface WatchdogDeps {
  store: Store;
  clock: Clock;
  policy: CurrentPolicy;
  bus: EventBus;
  newId(): string;
  logger: Logger;
}

/**
 * Every instance sweeps; the partial unique index (one lasting row per device, check and subject) and
 * ON CONFLICT DO NOTHING make the second instance's insert a no-op, so the violation and its event exist
 * once. A frame from the device resolves it (ingest/apply.ts). After a start, the watchdog waits 3 heartbeat
 * periods before it raises anything for an unseen device: agents need that long to come back after the server
 * was down. A goodbye that said "stopped" is raised at once: the device itself said so.
 */
export class SilentWatchdog {
  #startedAt: number;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<unknown> | undefined;
  #stopped = true;

  constructor(private readonly deps: WatchdogDeps) {
    this.#startedAt = deps.clock.now().getTime();
  }

  /** How long a device may stay unseen, by the current policy. */
  get silenceMs(): number {
    return this.deps.policy.policy.maxOfflineDays * DAY_MS;
  }

  /** After a start, agents get this long to come back before an unseen device is raised. */
  get startGraceMs(): number {
    return SILENT_HEARTBEATS * this.deps.policy.heartbeatSeconds * 1000;
  }

  start(): void {
    this.#stopped = false;
    this.#startedAt = this.deps.clock.now().getTime();
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#sweeping?.catch(() => {});
  }

  /** Raises agent-silent for every device silent past the limit; answers the events this instance recorded. */
  sweep(): Promise<ViolationEvent[]> {
    const run = this.#sweep();
    this.#sweeping = run;
    return run;
  }

  async #sweep(): Promise<ViolationEvent[]> {
    const { store, clock, policy } = this.deps;
    const now = clock.now();
    const at = now.toISOString();
    // Still silent since its goodbye: nothing came after it (beyond the moment its lastSeen is stamped later).
    const stopped = (
      await stoppedDevices(
        store.db,
        ["service-stop", "uninstall"],
        new Date(now.getTime() - GOODBYE_GRACE_MS).toISOString(),
        GOODBYE_SLACK_MS,
      )
    ).map((d) => ({
      device: d,
      text: stoppedText(canonicalReason(d.goodbyeReason) ?? d.goodbyeReason ?? "no reason", d.goodbyeAt ?? at),
      cutoff: new Date(Date.parse(d.goodbyeAt ?? at) + GOODBYE_SLACK_MS + 1).toISOString(),
    }));
    const unseen: typeof stopped = [];
    if (now.getTime() - this.#startedAt >= this.startGraceMs) {
      const cutoff = new Date(now.getTime() - this.silenceMs).toISOString();
      const stoppedIds = new Set(stopped.map((s) => s.device.id));
      for (const d of await silentDevices(store.db, cutoff)) {
        if (!stoppedIds.has(d.id))
          unseen.push({ device: d, text: unseenText(d.lastSeen, d.enrolledAt, policy.policy.maxOfflineDays), cutoff });
      }
    }
    const raising = [...stopped, ...unseen].sort((a, b) => (a.device.id < b.device.id ? -1 : a.device.id > b.device.id ? 1 : 0));
    this.deps.logger.debug({ stopped: stopped.length, unseen: unseen.length }, "agent-silent sweep");
    if (raising.length === 0) return [];
    return this.#raise(raising, at);
  }

  /** Opens agent-silent for each device that is still silent since its cutoff; answers the events this instance recorded. */
  async #raise(raising: readonly { device: SilentDevice; text: SilentText; cutoff: string }[], at: string): Promise<ViolationEvent[]> {
    const { store } = this.deps;
    const standing = await standingExemptions(store.db, at);
    const events = await store.db.transaction().execute(async (trx) => {
      const raised: NewEvent[] = [];
      for (const { device, text, cutoff } of raising) {
        const record: ViolationRecord = {
          id: this.deps.newId(),
          deviceId: device.id,
          check: AGENT_SILENT,
          subject: SILENT_SUBJECT,
          rule: null,
          ...text,
          status: "open",
          firstSeen: at,
          lastSeen: at,
          resolvedAt: null,
          title: null,
        };
        record.status = openingStatus(record, standing, at);
        if (!(await openSilentViolation(trx, record, cutoff))) continue;
        raised.push({ kind: record.status === "exempted" ? "exempted" : "opened", at, violation: toApiViolation(record, device.hostname) });
      }
      return insertEvents(trx, raised, store.dialect);
    });
    for (const event of events) this.deps.bus.publish(event);
    if (events.length > 0) this.deps.logger.info({ devices: events.map((e) => e.violation.deviceId) }, "agent-silent raised");
    return events;
  }

  /** Every second: a stopped agent is flagged within seconds of its goodbye. */
  #schedule(): void {
    if (this.#stopped) return;
    const periodMs = SWEEP_PERIOD_MS;
    this.#timer = setTimeout(() => {
      this.sweep()
        .catch((error: unknown) => {
          if (!this.#stopped) this.deps.logger.warn({ err: error }, "agent-silent sweep failed; retrying");
        })
        .finally(() => this.#schedule());
    }, periodMs);
    this.#timer.unref();
  }
}
