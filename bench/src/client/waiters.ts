// Promises that settle when a condition over counters becomes true, re-checked on every event: no polling.
import { withTimeout } from "../clock.js";

interface Waiter {
  done(): boolean;
  resolve(): void;
}

export class Waiters {
  #waiting: Waiter[] = [];

  /** Settles once `done()` is true, or rejects after `timeoutMs` naming `what`. */
  until(done: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    const waiter = { done, resolve: () => {} };
    const settled = new Promise<void>((resolve) => {
      waiter.resolve = resolve;
      this.#waiting.push(waiter);
    });
    return withTimeout(settled, timeoutMs, "").catch(() => {
      this.#waiting = this.#waiting.filter((w) => w !== waiter);
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what()}`);
    });
  }

  /** Call after anything that may have changed a condition. */
  notify(): void {
    if (this.#waiting.length === 0) return;
    this.#waiting = this.#waiting.filter((w) => {
      if (!w.done()) return true;
      w.resolve();
      return false;
    });
  }
}
