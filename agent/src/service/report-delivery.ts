// The thin shell around the delivery decisions: holds their state and a timer, and performs what they answer through the service's hands.
import type { ErrorFrame } from "@wegroup/shared";
import type { Logger } from "pino";
import {
  type DeliveryAction,
  type DeliveryState,
  DISCONNECTED,
  onAck,
  onConnected,
  onQueued,
  onRefusal,
  onTick,
  onWelcome,
  type Step,
} from "./delivery.js";

export interface DeliveryHands {
  /** Ids of the queued reports, oldest first. */
  queued(): string[];
  send(id: string): void;
  forget(id: string, why: "acknowledged" | "refused"): Promise<void>;
  /** Queue the full state of the checks nothing queued covers (the first welcome of a connection). */
  fullState(): Promise<void>;
  now(): number;
  random(): number;
  logger: Logger;
}

export class ReportDelivery {
  #state: DeliveryState = DISCONNECTED;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly hands: DeliveryHands) {}

  connected(): void {
    this.#clearTimer();
    this.#state = onConnected();
  }

  disconnected(): void {
    this.#clearTimer();
    this.#state = DISCONNECTED;
  }

  /** Whether this connection's first welcome was taken (a repeated one changes nothing). */
  isWelcomed(): boolean {
    return this.#state.welcomed;
  }

  welcome(): Promise<void> {
    return this.#perform(onWelcome(this.#state, this.hands.queued()));
  }

  queued(id: string): Promise<void> {
    return this.#perform(onQueued(this.#state, id));
  }

  ack(id: string): Promise<void> {
    return this.#perform(onAck(this.#state, id));
  }

  refused(frame: ErrorFrame): Promise<void> {
    const isQueued = frame.ref !== undefined && this.hands.queued().includes(frame.ref);
    return this.#perform(
      onRefusal(this.#state, frame, isQueued, this.hands.now(), () => this.hands.random()),
      frame,
    );
  }

  async #perform(step: Step, frame?: ErrorFrame): Promise<void> {
    this.#state = step.state;
    for (const action of step.actions) await this.#do(action, frame);
  }

  async #do(action: DeliveryAction, frame: ErrorFrame | undefined): Promise<void> {
    switch (action.kind) {
      case "send":
        for (const id of action.ids) this.hands.send(id);
        return;
      case "full-state":
        await this.hands.fullState();
        return;
      case "forget":
        if (action.why === "refused")
          this.hands.logger.error(
            { code: frame?.code, report: action.id },
            `the server refused a report for good and it was dropped: ${frame?.message ?? ""}`,
          );
        await this.hands.forget(action.id, action.why);
        return;
      case "wake":
        if (frame !== undefined)
          this.hands.logger.warn(
            { code: frame.code, report: frame.ref, retryInMs: action.at - this.hands.now() },
            `the server did not store a report (${frame.message}); it stays queued and is sent again`,
          );
        this.#wakeAt(action.at);
        return;
      case "ignore":
        if (frame !== undefined)
          this.hands.logger.warn({ code: frame.code, ref: frame.ref }, `the server answered an error: ${frame.message} (${action.why})`);
        else this.hands.logger.debug({ why: action.why }, "delivery: nothing to do");
        return;
    }
  }

  #wakeAt(at: number): void {
    this.#clearTimer();
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.#perform(onTick(this.#state, this.hands.queued(), this.hands.now())).catch((error: unknown) =>
          this.hands.logger.error({ err: (error as Error).message }, "resending refused reports failed"),
        );
      },
      Math.max(0, at - this.hands.now()),
    );
    this.#timer.unref?.();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
