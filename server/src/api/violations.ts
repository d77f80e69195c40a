// GET /api/v1/violations: newest first, filtered, in pages joined by an opaque keyset cursor, with true counts and the covering exemption.
import { AppError, type Violation, ViolationPage, ViolationQuery } from "@wegroup/shared";
import { ruleOf, standingExemptionRows } from "../store/exemptions.js";
import type { Db } from "../store/schema.js";
import { countViolationsByCheck, queryViolations, type ViolationWithHost } from "../store/violations.js";
import { exemptionFor } from "../violations/exemption.js";
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

/** API violations with the exemption that covers each exempted one (the exemptions table is small: read once). */
export async function withExemptions(db: Db, rows: readonly ViolationWithHost[], now: string): Promise<Violation[]> {
  const exempted = rows.some((r) => r.status === "exempted");
  const standing = exempted ? await standingExemptionRows(db, now) : [];
  const byId = new Map(standing.map((e) => [e.id, e]));
  const rules = standing.map(ruleOf);
  return rows.map((r) => {
    const api = toApiViolation(r, r.hostname);
    if (r.status !== "exempted") return api;
    const covering = exemptionFor(r, rules, now);
    const row = covering === undefined ? undefined : byId.get(covering.id);
    return row === undefined
      ? api
      : { ...api, exemption: { id: row.id, approvedBy: row.approved_by, reason: row.reason, expiresAt: row.expires_at } };
  });
}

// Unknown parameters are refused rather than ignored: a typo must not silently widen the answer.
export const listViolations = defineRoute(
  {
    method: "GET",
    path: "/api/v1/violations",
    access: "viewer",
    operationId: "listViolations",
    tags: ["violations"],
    summary: "violations newest first, filtered, paged by cursor, with the true total and counts per check",
    query: ViolationQuery.strict(),
    ok: { status: 200, schema: ViolationPage },
    errors: [400],
  },
  (deps) =>
    async ({ query: q }) => {
      const filter = {
        status: q.status,
        deviceId: q.device,
        check: q.check,
        subject: q.subject,
        since: q.since === undefined ? undefined : new Date(q.since).toISOString(),
        until: q.until === undefined ? undefined : new Date(q.until).toISOString(),
      };
      const db = deps.store.db;
      const [rows, byCheck] = await Promise.all([
        queryViolations(db, { ...filter, beforeId: q.cursor === undefined ? undefined : decodeCursor(q.cursor), limit: q.limit + 1 }),
        countViolationsByCheck(db, filter),
      ]);
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: await withExemptions(db, page, deps.clock.now().toISOString()),
        nextCursor: rows.length > q.limit && last !== undefined ? encodeCursor(last.id) : null,
        total: Object.values(byCheck).reduce((a, b) => a + b, 0),
        byCheck,
      };
    },
);
