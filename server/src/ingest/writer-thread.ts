// The SQLite writer thread: owns a connection of its own and applies the ingest's group-commit batches on it, so that
// query building, SQLite's work and the fsync of each COMMIT happen off the event loop that serves agents and the API.
import { parentPort, workerData } from "node:worker_threads";
import { systemClock } from "../clock.js";
import { monotonicIds } from "../ids.js";
import { openStore } from "../store/db.js";
import { storeApplier } from "./applier.js";
import type { WriterRequest, WriterResponse, WriterSetup } from "./writer-protocol.js";

const setup = workerData as WriterSetup;
const port = parentPort;
if (port === null) throw new Error("writer-thread.js runs as a worker thread of compliance-server, not on its own");

const store = openStore(
  { kind: "sqlite", path: setup.path },
  setup.sqliteMaxPageCount === undefined ? {} : { sqliteMaxPageCount: setup.sqliteMaxPageCount },
);
const applier = storeApplier(store, {
  now: () => systemClock.now().toISOString(),
  newId: monotonicIds(systemClock),
  dialect: "sqlite",
  ...(setup.maxOpenedPerDevicePerDay === undefined ? {} : { maxOpenedPerDevicePerDay: setup.maxOpenedPerDevicePerDay }),
});

// One batch at a time, in arrival order: the batcher sends the next only after this one answered, but a split batch's halves queue here.
let queue = Promise.resolve();
port.on("message", (request: WriterRequest) => {
  queue = queue.then(() => handle(request));
});

async function handle(request: WriterRequest): Promise<void> {
  if (request.type === "close") {
    await store.close();
    port?.postMessage({ type: "closed" } satisfies WriterResponse);
    port?.close();
    return;
  }
  let response: WriterResponse;
  try {
    response = { type: "applied", id: request.id, value: await applier.apply(request.items) };
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown; code?: unknown };
    response = {
      type: "failed",
      id: request.id,
      error: {
        name: typeof e.name === "string" ? e.name : "Error",
        message: typeof e.message === "string" ? e.message : String(error),
        ...(typeof e.code === "string" ? { code: e.code } : {}),
      },
    };
  }
  port?.postMessage(response);
}
