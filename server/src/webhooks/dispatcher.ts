// Delivers the stored violation feed to every webhook, in feed order, at least once, from any instance: each hook is
// delivered by the instance that holds its lease (a row in the database), so one instance delivers each event.
import { randomUUID } from "node:crypto";
import { WEBHOOK_EVENT_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, type ViolationEvent, type WebhookPayload } from "@wegroup/shared";
import type { ClusterBus } from "../cluster/bus.js";
import type { EventBus } from "../events/bus.js";
import type { Logger } from "../logger.js";
import { eventsAfter } from "../store/events.js";
import type { Db } from "../store/schema.js";
import { acquireLease, type DeliveryOutcome, listWebhooks, recordOutcome, releaseLeases, type StoredWebhook } from "../store/webhooks.js";
import { type RetryPolicy, retryDelayMs } from "./backoff.js";
import { signBody } from "./sign.js";

export interface WebhookOptions extends RetryPolicy {
  /** A receiver that has not answered within this is a failure (retried). */
  timeoutMs: number;
  /** How long a lease lasts unless renewed; longer than timeoutMs, so that a slow answer does not hand the hook over. */
  leaseMs: number;
  /** Storage is checked this often for hooks to deliver (new events arrive faster, by the bus). */
  pollMs: number;
  /** Events read per query. */
  pageSize: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: Readonly<WebhookOptions> = Object.freeze({
  baseMs: 1_000,
  maxMs: 5 * 60_000,
  timeoutMs: 10_000,
  leaseMs: 30_000,
  pollMs: 2_000,
  pageSize: 100,
});

export interface WebhookObserver {
  delivered(): void;
  failed(): void;
}

export interface WebhookDeps {
  db: Db;
  bus: EventBus;
  cluster: ClusterBus;
  logger: Logger;
  /** Wall time: leases and retry times are compared across instances. */
  now(): Date;
  observer?: WebhookObserver;
}

export class WebhookDispatcher {
  /** This instance's lease name. */
  readonly owner = randomUUID();
  readonly #options: WebhookOptions;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #unsubscribe: (() => void)[] = [];
  /** In-flight POSTs, aborted when stopping (their events stay undelivered, and are delivered after). */
  readonly #inFlight = new Set<AbortController>();

  constructor(
    private readonly deps: WebhookDeps,
    options: Partial<WebhookOptions> = {},
  ) {
    this.#options = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
    this.#log = deps.logger;
  }

  start(): void {
    this.#unsubscribe.push(
      this.deps.bus.subscribe(() => this.kick()),
      this.deps.cluster.subscribe("violation", () => this.kick()),
    );
    this.#schedule(0);
  }

  /** Looks for something to deliver now (a new event, a new or resumed hook). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = this.#round()
      .catch((error: unknown) => this.#log.warn({ err: error }, "webhook delivery round failed; retrying"))
      .finally(() => {
        this.#running = undefined;
        if (this.#stopped) return;
        if (this.#again) {
          this.#again = false;
          this.kick();
        } else this.#schedule(this.#options.pollMs);
      });
  }

  /** Runs one delivery round now and waits for it (after any round in progress): what tests wait on. */
  async settle(): Promise<void> {
    for (let current = this.#running; current !== undefined; current = this.#running) await current;
    this.kick();
    const round: Promise<void> | undefined = this.#running;
    if (round !== undefined) await round;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const controller of this.#inFlight) controller.abort();
    await this.#running;
    await releaseLeases(this.deps.db, this.owner).catch((error: unknown) =>
      this.#log.warn({ err: error }, "could not release webhook leases; they expire by themselves"),
    );
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.kick(), ms);
    this.#timer.unref();
  }

  async #round(): Promise<void> {
    const now = this.deps.now();
    const due = (await listWebhooks(this.deps.db)).filter(
      (h) => !h.paused && (h.nextAttemptAt === null || h.nextAttemptAt <= now.toISOString()),
    );
    // Hooks in parallel (one slow receiver delays no other), each hook's events in order.
    await Promise.all(due.map((hook) => this.#deliverHook(hook.id)));
  }

  #leaseUntil(): string {
    return new Date(this.deps.now().getTime() + this.#options.leaseMs).toISOString();
  }

  async #deliverHook(id: string): Promise<void> {
    const hook = await acquireLease(this.deps.db, id, this.owner, this.deps.now().toISOString(), this.#leaseUntil());
    if (hook === undefined) return; // another instance delivers it, or it was paused or deleted
    if (hook.nextAttemptAt !== null && hook.nextAttemptAt > this.deps.now().toISOString()) return;
    const log = this.#log.child({ webhookId: hook.id, receiver: originOf(hook.url) });
    let last = hook.lastEventId;
    let attempts = hook.attempts;
    for (;;) {
      if (this.#stopped) return;
      const page = await eventsAfter(this.deps.db, last, this.#options.pageSize);
      if (page.length === 0) return;
      for (const event of page) {
        if (this.#stopped) return;
        let outcome: DeliveryOutcome;
        if (!hook.events.includes(event.kind)) {
          outcome = { kind: "skipped", seq: event.seq };
        } else {
          const error = await this.#post(hook, event);
          if (this.#stopped && error !== undefined) return; // aborted by stop(): delivered after the restart
          if (error === undefined) {
            outcome = { kind: "delivered", seq: event.seq, at: this.deps.now().toISOString() };
          } else {
            attempts++;
            const wait = retryDelayMs(attempts, this.#options, Math.random());
            outcome = { kind: "failed", error, nextAttemptAt: new Date(this.deps.now().getTime() + wait).toISOString() };
          }
        }
        const kept = await recordOutcome(this.deps.db, hook.id, this.owner, outcome, this.#leaseUntil());
        if (outcome.kind === "delivered") this.deps.observer?.delivered();
        if (outcome.kind === "failed") {
          this.deps.observer?.failed();
          log.warn(
            { eventId: event.seq, attempts, error: outcome.error, nextAttemptAt: outcome.nextAttemptAt },
            "webhook delivery failed; retrying later",
          );
          return;
        }
        if (!kept) return; // lease lost, or the hook paused or deleted meanwhile
        if (outcome.kind === "delivered") {
          log.debug({ eventId: event.seq }, "webhook delivered");
          attempts = 0;
        }
        last = event.seq;
      }
    }
  }

  /** One POST; answers why it failed, or undefined on a 2xx. */
  async #post(hook: StoredWebhook, event: ViolationEvent): Promise<string | undefined> {
    const payload: WebhookPayload = { id: event.seq, event: event.kind, at: event.at, violation: event.violation };
    const body = JSON.stringify(payload);
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error("timeout")), this.#options.timeoutMs);
    try {
      const res = await fetch(hook.url, {
        method: "POST",
        redirect: "manual",
        signal: controller.signal,
        headers: {
          "content-type": "application/json",
          "user-agent": "compliance-server webhook",
          [WEBHOOK_SIGNATURE_HEADER]: signBody(hook.secret, body),
          [WEBHOOK_EVENT_ID_HEADER]: String(event.seq),
          "x-compliance-event": event.kind,
          "x-compliance-webhook-id": hook.id,
        },
        body,
      });
      // The answer's body is not needed; reading it frees the connection.
      await res.arrayBuffer().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? undefined : `HTTP ${res.status}`;
    } catch (error) {
      if (controller.signal.aborted) return this.#stopped ? "stopped" : `no answer within ${this.#options.timeoutMs} ms`;
      return failureReason(error);
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(controller);
    }
  }
}

/** The scheme, host and port: enough to say which receiver, without a path or query that may carry a token. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "invalid URL";
  }
}

function failureReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}
