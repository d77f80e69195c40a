// Keyset pages of the device list: ordered by hostname then id (code-unit order, the same on SQLite and PostgreSQL
// whatever the database's collation), joined by an opaque cursor naming the last device of a page.
import { AppError } from "@wegroup/shared";

export interface DeviceKey {
  hostname: string;
  id: string;
}

export interface KeyedPage<T> {
  items: T[];
  nextCursor: string | null;
}

const PREFIX = "d1:";
const BAD_CURSOR = "invalid query: cursor: not a cursor this server gave out (start again without cursor)";

export function encodeDeviceCursor(key: DeviceKey): string {
  return Buffer.from(PREFIX + JSON.stringify([key.hostname, key.id]), "utf8").toString("base64url");
}

/** The device key a cursor names; a 400 naming the cursor when it is not one this server gave out. */
export function decodeDeviceCursor(cursor: string): DeviceKey {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!text.startsWith(PREFIX)) throw new AppError("bad_request", BAD_CURSOR);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(PREFIX.length));
  } catch {
    throw new AppError("bad_request", BAD_CURSOR);
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== "string" || typeof parsed[1] !== "string" || parsed[1] === "")
    throw new AppError("bad_request", BAD_CURSOR);
  return { hostname: parsed[0], id: parsed[1] };
}

/** Code-unit order of hostname, then id. */
export function compareDeviceKeys(a: DeviceKey, b: DeviceKey): number {
  if (a.hostname !== b.hostname) return a.hostname < b.hostname ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** The page of `items` (any order) after `after`, at most `limit` long, and the cursor of the next page when there is one. */
export function devicePage<T extends DeviceKey>(items: readonly T[], after: DeviceKey | undefined, limit: number): KeyedPage<T> {
  const rest = [...items].sort(compareDeviceKeys).filter((d) => after === undefined || compareDeviceKeys(d, after) > 0);
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  return { items: page, nextCursor: rest.length > limit && last !== undefined ? encodeDeviceCursor(last) : null };
}
