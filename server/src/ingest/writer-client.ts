// The server's side of the SQLite writer thread: batches go to the thread, their results and events come back.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { StoreUnavailableError } from "../store/failure.js";
import type { IngestItem } from "./apply.js";
import type { AppliedItems, BatchApplier } from "./applier.js";
import type { WriterError, WriterResponse, WriterSetup } from "./writer-protocol.js";

/** The thread's entry: beside this module when the server runs built (dist/); the built copy when it runs from src/ (vitest). */
export function writerThreadScript(): URL {
  const beside = new URL("./writer-thread.js", import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL("../../dist/ingest/writer-thread.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error(`the SQLite writer thread is not built (${fileURLToPath(built)}); run npm run build`);
}

interface Waiting {
  resolve(value: AppliedItems): void;
  reject(error: unknown): void;
}

/**
 * Applies batches in a worker thread that owns its own SQLite connection (WAL: the server's connection keeps reading
 * and writing beside it; both begin write transactions IMMEDIATE and wait for each other within busy_timeout).
 * A thread that dies fails what it held (the agents send it again) and is started again by the next batch.
 */
export class WriterThread implements BatchApplier {
  #worker: Worker | undefined;
  readonly #waiting = new Map<number, Waiting>();
  #nextId = 1;
  #exited: Promise<void> | undefined;

  /** Starts the thread at once: its memory and start-up are the server's, not the first batch's. */
  constructor(
    private readonly setup: WriterSetup,
    private readonly script: URL = writerThreadScript(),
  ) {
    this.#start();
  }

  apply(items: readonly IngestItem[]): Promise<AppliedItems> {
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise<AppliedItems>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      // Held while a batch is out: the process must not end before its COMMIT answers.
      worker.ref();
      worker.postMessage({ type: "apply", id, items });
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    if (worker === undefined) return;
    worker.ref();
    worker.postMessage({ type: "close" });
    await this.#exited;
  }

  #start(): Worker {
    const worker = new Worker(this.script, { workerData: this.setup });
    this.#worker = worker;
    this.#exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.on("message", (response: WriterResponse) => {
      if (response.type === "closed") return;
      const waiting = this.#waiting.get(response.id);
      if (waiting === undefined) return;
      this.#waiting.delete(response.id);
      if (response.type === "applied") waiting.resolve(response.value);
      else waiting.reject(errorOf(response.error));
      if (this.#waiting.size === 0) worker.unref();
    });
    let failure: Error | undefined;
    worker.on("error", (error) => {
      failure = error;
    });
    worker.once("exit", (code) => {
      if (this.#worker === worker) this.#worker = undefined;
      // Unavailable, not refused: the batch is not split to find an item at fault (none is), its agents send it again.
      const error = new StoreUnavailableError(
        `the SQLite writer thread stopped (exit code ${code}${failure === undefined ? "" : `: ${failure.message}`})`,
      );
      for (const waiting of this.#waiting.values()) waiting.reject(error);
      this.#waiting.clear();
    });
    worker.unref();
    return worker;
  }
}

/** The thread's error as the server's own: classifyStoreError reads its code and message. */
function errorOf(e: WriterError): Error {
  const error = new Error(e.message) as Error & { code?: string };
  error.name = e.name;
  if (e.code !== undefined) error.code = e.code;
  return error;
}
