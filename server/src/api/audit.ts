// GET /api/v1/audit (admin): who changed what and when, newest first, filtered, in pages joined by an opaque cursor.
import { AppError, AuditQuery, type AuditPage } from "@wegroup/shared";
import type { FastifyInstance } from "fastify";
import { queryAudit } from "../store/audit.js";
import { requireRole } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { parseInput } from "./errors.js";

export function encodeAuditCursor(id: number): string {
  return Buffer.from(`a1:${id}`, "utf8").toString("base64url");
}

export function decodeAuditCursor(cursor: string): number {
  const match = /^a1:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (match?.[1] === undefined) throw new AppError("bad_request", "invalid query: cursor: not a cursor this server gave out");
  return Number(match[1]);
}

export function auditRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/api/v1/audit", { preHandler: requireRole(deps.store.db, "admin") }, async (req): Promise<AuditPage> => {
    const q = parseInput(AuditQuery, req.query, "query");
    const rows = await queryAudit(deps.store.db, {
      action: q.action,
      since: q.since === undefined ? undefined : new Date(q.since).toISOString(),
      beforeId: q.cursor === undefined ? undefined : decodeAuditCursor(q.cursor),
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { items: page, nextCursor: rows.length > q.limit && last !== undefined ? encodeAuditCursor(last.id) : null };
  });
}
