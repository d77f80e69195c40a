// The agent-silent watchdog: a device with no frame for 3 × heartbeatSeconds gets one agent-silent violation, raised once across instances.
import type { ViolationEvent } from "@wegroup/shared";
import type { Clock } from "../clock.js";
import { SILENT_HEARTBEATS } from "../devices/status.js";
import type { EventBus } from "../events/bus.js";
import type { Logger } from "../logger.js";
import type { CurrentPolicy } from "../policy/current.js";
import type { Store } from "../store/db.js";
import { insertEvents, type NewEvent } from "../store/events.js";
import { standingExemptions } from "../store/exemptions.js";
import { AGENT_SILENT, openSilentViolation, SILENT_SUBJECT, type SilentDevice, silentDevices } from "../store/silent.js";
import { openingStatus } from "../violations/exemption.js";
import type { ViolationRecord } from "../violations/record.js";
import { toApiViolation } from "../violations/record.js";

/** A goodbye counts as the last frame when nothing came more than this after it (its lastSeen is stamped a moment later). */
const GOODBYE_SLACK_MS = 1_000;

export interface WatchdogDeps {
  store: Store;
  clock: Clock;
  policy: CurrentPolicy;
  bus: EventBus;
  newId(): string;
  logger: Logger;
}

/** What the violation says about a silent device: a stopped agent, or missing heartbeats. */
export function silentViolationText(d: SilentDevice, heartbeatSeconds: number): { message: string; observed: string; expected: string } {
  const since = d.lastSeen ?? d.enrolledAt;
  const expected = `a frame at least every ${SILENT_HEARTBEATS * heartbeatSeconds} s (heartbeat every ${heartbeatSeconds} s)`;
  const saidGoodbye = d.goodbyeAt !== null && d.lastSeen !== null && Date.parse(d.goodbyeAt) >= Date.parse(d.lastSeen) - GOODBYE_SLACK_MS;
  if (saidGoodbye) return { message: "agent stopped on the device", observed: `last frame: goodbye (${d.goodbyeReason ?? "no reason"}) at ${d.goodbyeAt}`, expected };
  if (d.lastSeen === null) return { message: `no heartbeat since ${since}`, observed: `no frame since enrollment at ${since}`, expected };
  return { message: `no heartbeat since ${since}`, observed: `last frame at ${since}`, expected };
}

/**
 * Every instance sweeps; the partial unique index (one lasting row per device, check and subject) and
 * ON CONFLICT DO NOTHING make the second instance's insert a no-op, so the violation and its event exist
 * once. A frame from the device resolves it (ingest/apply.ts). After a start, the watchdog waits one silence
 * period before it raises anything: agents need that long to come back after the server was down.
 */
export class SilentWatchdog {
  #startedAt: number;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<unknown> | undefined;
  #stopped = true;

  constructor(private readonly deps: WatchdogDeps) {
    this.#startedAt = deps.clock.now().getTime();
  }

  /** How long a device may stay silent, by the current policy. */
  get silenceMs(): number {
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
    const silenceMs = this.silenceMs;
    if (now.getTime() - this.#startedAt < silenceMs) return [];
    const at = now.toISOString();
    const cutoff = new Date(now.getTime() - silenceMs).toISOString();
    const silent = await silentDevices(store.db, cutoff);
    this.deps.logger.debug({ silent: silent.length, cutoff }, "agent-silent sweep");
    if (silent.length === 0) return [];
    const standing = await standingExemptions(store.db, at);
    const events = await store.db.transaction().execute(async (trx) => {
      const raised: NewEvent[] = [];
      for (const device of silent) {
        const text = silentViolationText(device, policy.heartbeatSeconds);
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

  /** Often enough that a device is flagged within a third of a heartbeat after its limit. */
  #schedule(): void {
    if (this.#stopped) return;
    const periodMs = Math.min(30_000, Math.max(1_000, (this.deps.policy.heartbeatSeconds * 1000) / 3));
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
