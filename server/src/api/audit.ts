// GET /api/v1/audit (admin): who changed what and when, newest first, filtered, in pages joined by an opaque cursor.
import { AppError, AuditPage, AuditQuery } from "@wegroup/shared";
import { queryAudit } from "../store/audit.js";
import { defineRoute } from "./route.js";

export function encodeAuditCursor(id: number): string {
  return Buffer.from(`a1:${id}`, "utf8").toString("base64url");
}

export function decodeAuditCursor(cursor: string): number {
  const match = /^a1:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (match?.[1] === undefined) throw new AppError("bad_request", "invalid query: cursor: not a cursor this server gave out");
  return Number(match[1]);
}

export const listAudit = defineRoute(
  {
    method: "GET",
    path: "/api/v1/audit",
    access: "admin",
    operationId: "listAudit",
    tags: ["audit"],
    summary: "who changed what and when, newest first, paged by cursor",
    query: AuditQuery,
    ok: { status: 200, schema: AuditPage },
    errors: [400],
  },
  (deps) =>
    async ({ query: q }) => {
      const rows = await queryAudit(deps.store.db, {
        action: q.action,
        since: q.since === undefined ? undefined : new Date(q.since).toISOString(),
        beforeId: q.cursor === undefined ? undefined : decodeAuditCursor(q.cursor),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return { items: page, nextCursor: rows.length > q.limit && last !== undefined ? encodeAuditCursor(last.id) : null };
    },
);
