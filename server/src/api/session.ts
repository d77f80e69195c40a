// GET /api/v1/session (viewer): who the signed-in token is and what it may do, so a client shows only the controls it can use.
import type { SessionInfo } from "@wegroup/shared";
import type { FastifyInstance } from "fastify";
import { requireRole } from "./auth.js";
import type { ApiDeps } from "./deps.js";

export function sessionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/api/v1/session", { preHandler: requireRole(deps.store.db, "viewer") }, async (req): Promise<SessionInfo> => {
    const identity = req.identity;
    // requireRole set it; a request without one never gets here.
    return identity === null ? Promise.reject(new Error("no identity after requireRole")) : { name: identity.name, role: identity.role };
  });
}
