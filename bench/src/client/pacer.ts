// Sends at a steady rate: every tick, as many sends as the elapsed time allows, so that a slow tick catches up instead of lowering the rate.
import { monoMs } from "../clock.js";

/** The pacers' tick: small enough for an even rate, large enough to stay cheap. */
const TICK_MS = 5;

export class Pacer {
  #timer: NodeJS.Timeout | undefined;
  #due = 0;
  #done: Promise<void>;
  #finish: () => void = () => {};

  /** Calls `send` `rate` times a second from `startAt` until `endAt` (monotonic ms; Infinity: until stopped). */
  constructor(rate: number, startAt: number, endAt: number, send: () => void) {
    this.#done = new Promise((resolve) => (this.#finish = resolve));
    this.#timer = setInterval(() => {
      const now = monoMs();
      if (now < startAt) return;
      const wanted = Math.floor(((Math.min(now, endAt) - startAt) * rate) / 1000);
      for (; this.#due < wanted; this.#due++) send();
      if (now >= endAt) this.stop();
    }, TICK_MS);
  }

  /** Settles when the pacer has stopped (at `endAt`, or by `stop`). */
  get done(): Promise<void> {
    return this.#done;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#finish();
  }
}
