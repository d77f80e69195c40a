// What a database error means for the data that was being written: the store is unavailable (retry later), or this data can never be stored. Pure.

/**
 * `unavailable`: nothing can be stored right now (connection lost, disk full, database busy) — the data
 * is fine and must be sent again later; `probe` says whether a cheap liveness query can tell when it is over.
 * `refused`: this data cannot be stored, however often it is sent (a value the database rejects).
 */
export type StoreFailure = { kind: "unavailable"; reason: string; probe: boolean } | { kind: "refused"; reason: string };

/** Node's and pg's ways of saying the connection is gone or never came. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
]);
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /not queryable/i,
  /timeout exceeded when trying to connect/i,
  /connection .*(closed|ended)/i,
  /cannot use a pool after calling end/i,
  /client was closed/i,
];

/** Classifies an error thrown by a query or transaction; undefined when it is not recognisably either. */
export function classifyStoreError(error: unknown): StoreFailure | undefined {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : String(error);
  if (code.startsWith("SQLITE_")) return classifySqlite(code, message);
  if (/^[0-9A-Z]{5}$/.test(code)) {
    const sqlState = classifySqlState(code, message);
    if (sqlState !== undefined) return sqlState;
  }
  if (NETWORK_CODES.has(code)) return { kind: "unavailable", reason: `database connection lost (${code})`, probe: true };
  if (CONNECTION_MESSAGES.some((p) => p.test(message)))
    return { kind: "unavailable", reason: `database connection lost (${message})`, probe: true };
  return undefined;
}

function classifySqlite(code: string, message: string): StoreFailure | undefined {
  if (code === "SQLITE_FULL")
    return { kind: "unavailable", reason: `disk full: ${message} (SQLITE_FULL); free space on the data volume`, probe: false };
  if (/^SQLITE_(IOERR|CANTOPEN|READONLY|CORRUPT|NOTADB|NOMEM|PROTOCOL)/.test(code))
    return { kind: "unavailable", reason: `database file cannot be written: ${message} (${code})`, probe: false };
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return { kind: "unavailable", reason: `database busy: ${message} (${code})`, probe: false };
  if (/^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)/.test(code)) return { kind: "refused", reason: `${message} (${code})` };
  return undefined;
}

/** PostgreSQL SQLSTATE classes (appendix A of its manual). */
function classifySqlState(code: string, message: string): StoreFailure | undefined {
  const cls = code.slice(0, 2);
  if (cls === "08" || code === "57P01" || code === "57P02" || code === "57P03")
    return { kind: "unavailable", reason: `database connection lost: ${message} (${code})`, probe: true };
  if (code === "53100") return { kind: "unavailable", reason: `disk full on the database server: ${message} (${code})`, probe: false };
  if (cls === "53" || cls === "58") return { kind: "unavailable", reason: `database out of resources: ${message} (${code})`, probe: false };
  // Serialization failure, deadlock, lock or statement timeout: the same write succeeds when tried again.
  if (code === "40001" || code === "40P01" || code === "55P03" || code === "57014" || code === "25P03")
    return { kind: "unavailable", reason: `database contention: ${message} (${code})`, probe: false };
  if (cls === "22" || cls === "23" || cls === "54") return { kind: "refused", reason: `${message} (${code})` };
  return undefined;
}

/** Thrown instead of a raw database error when the store cannot take writes; the data is intact and goes again later. */
export class StoreUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`the database cannot store data right now: ${reason}`);
    this.name = "StoreUnavailableError";
  }
}

/**
 * Thrown for one item that is not stored: the database refused it for good (found by isolating it from its
 * batch: `invalid_frame`, the agent drops it), or a cap refused it for now (`rate_limited`, sent again later).
 */
export class ItemRefusedError extends Error {
  constructor(
    readonly reason: string,
    readonly code: "invalid_frame" | "rate_limited" = "invalid_frame",
  ) {
    super(reason);
    this.name = "ItemRefusedError";
  }
}
