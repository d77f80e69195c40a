// GET /api/v1/violations: newest first, filtered, in pages joined by an opaque keyset cursor.
import { AppError, ViolationPage, ViolationQuery } from "@wegroup/shared";
import { queryViolations } from "../store/violations.js";
import { toApiViolation } from "../violations/record.js";
import { defineRoute } from "./route.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The cursor is the last id of a page, wrapped so that clients do not build it themselves. */
export function encodeCursor(id: string): string {
  return Buffer.from(`v1:${id}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const id = text.startsWith("v1:") ? text.slice(3) : "";
  if (!UUID.test(id)) throw new AppError("bad_request", "invalid query: cursor: not a cursor this server gave out");
  return id;
}

// Unknown parameters are refused rather than ignored: a typo must not silently widen the answer.
export const listViolations = defineRoute(
  {
    method: "GET",
    path: "/api/v1/violations",
    access: "viewer",
    operationId: "listViolations",
    tags: ["violations"],
    summary: "violations newest first, filtered, paged by cursor",
    query: ViolationQuery.strict(),
    ok: { status: 200, schema: ViolationPage },
    errors: [400],
  },
  (deps) =>
    async ({ query: q }) => {
      const rows = await queryViolations(deps.store.db, {
        status: q.status,
        deviceId: q.device,
        check: q.check,
        since: q.since === undefined ? undefined : new Date(q.since).toISOString(),
        beforeId: q.cursor === undefined ? undefined : decodeCursor(q.cursor),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => toApiViolation(r, r.hostname)),
        nextCursor: rows.length > q.limit && last !== undefined ? encodeCursor(last.id) : null,
      };
    },
);
