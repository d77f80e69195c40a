// Stored rows as a person reads them in an export: camelCase keys, JSON columns parsed, secrets left out.

export type JsonObject = Record<string, unknown>;

/** Never exported: a credential hash is not data about the person, and it must not leave the server. */
const NEVER_EXPORTED = new Set(["credential_hash", "token_hash"]);

export function camelRow(row: Record<string, unknown>, json: readonly string[] = []): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(row)) {
    if (NEVER_EXPORTED.has(key)) continue;
    out[camel(key)] = json.includes(key) && typeof value === "string" ? parseJson(value) : normalise(value);
  }
  return out;
}

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** PostgreSQL answers bigint ids as numbers (see store/db.ts) but other drivers may not: keep JSON plain. */
function normalise(value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Stored by this server, so always JSON; should it not be, the text itself is still what is held.
    return text;
  }
}
