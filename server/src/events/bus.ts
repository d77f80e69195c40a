// The in-process event bus: violation transitions, after they have committed, for the live feed and cross-instance relays.
import type { ViolationEvent } from "@wegroup/shared";

export type ViolationListener = (event: ViolationEvent) => void;

export class EventBus {
  #listeners = new Set<ViolationListener>();
  #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  /** Answers a function that unsubscribes. */
  subscribe(listener: ViolationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A listener that throws is reported and skipped: it must not stop the others or the ingest. */
  publish(event: ViolationEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
