// The messages between the server and its SQLite writer thread (both ends are this server's own code, same build).
import type { IngestItem } from "./apply.js";
import type { AppliedItems } from "./applier.js";

/** What the thread opens and how it judges: given once, as workerData. */
export interface WriterSetup {
  /** The SQLite file (already migrated by the server). */
  path: string;
  sqliteMaxPageCount?: number | undefined;
  maxOpenedPerDevicePerDay?: number | undefined;
}

export type WriterRequest = { type: "apply"; id: number; items: readonly IngestItem[] } | { type: "close" };

/** A database error crosses as its name, message and code, so that the server classifies it as it would its own. */
export interface WriterError {
  name: string;
  message: string;
  code?: string;
}

export type WriterResponse =
  { type: "applied"; id: number; value: AppliedItems } | { type: "failed"; id: number; error: WriterError } | { type: "closed" };
