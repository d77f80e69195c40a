// Group commit: items from every connection are collected for a short window and written in one transaction.

export interface BatcherOptions {
  /** Write as soon as this many items wait... */
  maxItems: number;
  /** ...or when the first waiting item has waited this long. */
  maxDelayMs: number;
  /** Whether a batch that failed with this error is split to find the item at fault (default: always). */
  splitOnError?: (error: unknown) => boolean;
}

/** Timer functions, injectable so that tests drive the window without sleeping. */
export interface Scheduler {
  schedule(run: () => void, ms: number): () => void;
}

export const timerScheduler: Scheduler = {
  schedule(run, ms) {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};

/** Writes a batch and answers one result per item, in order; throws if nothing of it was written. */
export type BatchWriter<T, R> = (items: readonly T[]) => Promise<R[]>;

interface Waiting<T, R> {
  item: T;
  resolve(value: R): void;
  reject(error: unknown): void;
}

export class BatcherClosedError extends Error {
  constructor() {
    super("the server is shutting down");
    this.name = "BatcherClosedError";
  }
}

/**
 * One batch is written at a time: while it commits, new items gather for the next one, so the
 * batch size grows with the load and the commit cost is shared. When a batch fails as a whole, it is
 * halved and each half written again, down to the item at fault: one bad item fails alone, in about
 * 2·log2(n) writes instead of n, so honest items stay fast. An error that says the store itself is
 * down (splitOnError false) fails the whole batch at once instead.
 */
export class Batcher<T, R> {
  #waiting: Waiting<T, R>[] = [];
  #cancelTimer: (() => void) | undefined;
  #writing: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly write: BatchWriter<T, R>,
    private readonly options: BatcherOptions,
    private readonly scheduler: Scheduler = timerScheduler,
  ) {}

  /** Settles once the item's batch has committed (or definitely failed). */
  submit(item: T): Promise<R> {
    if (this.#closed) return Promise.reject(new BatcherClosedError());
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (this.#waiting.length >= this.options.maxItems) this.#startWriting();
      else if (this.#cancelTimer === undefined && this.#writing === undefined) {
        this.#cancelTimer = this.scheduler.schedule(() => {
          this.#cancelTimer = undefined;
          this.#startWriting();
        }, this.options.maxDelayMs);
      }
    });
  }

  get pending(): number {
    return this.#waiting.length;
  }

  /** Writes whatever waits, refuses new items, and settles when the last batch has committed. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#writing !== undefined || this.#waiting.length > 0) {
      if (this.#writing === undefined) this.#startWriting();
      await this.#writing;
    }
  }

  #startWriting(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    if (this.#writing !== undefined || this.#waiting.length === 0) return;
    const batch = this.#waiting.splice(0, this.options.maxItems);
    this.#writing = this.#writeBatch(batch).finally(() => {
      this.#writing = undefined;
      // Whatever arrived meanwhile has waited at least one commit already: write it at once.
      if (this.#waiting.length > 0) this.#startWriting();
    });
  }

  async #writeBatch(batch: Waiting<T, R>[]): Promise<void> {
    try {
      settle(batch, await this.#writeChecked(batch));
    } catch (error) {
      if (batch.length === 1 || this.options.splitOnError?.(error) === false) {
        for (const one of batch) one.reject(error);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.#writeBatch(batch.slice(0, half));
      await this.#writeBatch(batch.slice(half));
    }
  }

  async #writeChecked(batch: Waiting<T, R>[]): Promise<R[]> {
    const results = await this.write(batch.map((w) => w.item));
    if (results.length !== batch.length) throw new Error(`batch writer answered ${results.length} results for ${batch.length} items`);
    return results;
  }
}

function settle<T, R>(batch: Waiting<T, R>[], results: R[]): void {
  batch.forEach((w, i) => w.resolve(results[i] as R));
}
