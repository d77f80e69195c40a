// /api/v1/tokens (admin): API tokens for people and tools; the token is shown once and stored only hashed; changes are audited.
import { IdParams, TokenCreate, type TokenCreated, type TokenList } from "@wegroup/shared";
import type { FastifyInstance } from "fastify";
import { issueToken, revokeTokenAudited } from "../auth/token-admin.js";
import { listTokens } from "../store/tokens.js";
import { requireRole } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { parseInput } from "./errors.js";

export function tokenRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const db = deps.store.db;
  const admin = { preHandler: requireRole(db, "admin") };

  app.post("/api/v1/tokens", admin, async (req, reply): Promise<TokenCreated> => {
    const body = parseInput(TokenCreate, req.body, "body");
    const by = req.identity?.name ?? "unknown";
    const created = await issueToken(db, { id: deps.newId(), name: body.name, role: body.role, actor: by, now: deps.clock.now().toISOString() });
    req.log.info({ tokenId: created.id, name: body.name, role: body.role, by }, "API token created");
    void reply.code(201);
    return created;
  });

  app.get("/api/v1/tokens", admin, async (): Promise<TokenList> => ({ items: await listTokens(db) }));

  app.delete("/api/v1/tokens/:id", admin, async (req, reply) => {
    const { id } = parseInput(IdParams, req.params, "query");
    const by = req.identity?.name ?? "unknown";
    await revokeTokenAudited(db, id, { actor: by, now: deps.clock.now().toISOString() });
    req.log.info({ tokenId: id, by }, "API token revoked");
    // Its open live-feed streams end now, here and on the other instances (the periodic re-check is the safety net).
    await deps.streamTokens.revoked(id).catch((error: unknown) => req.log.warn({ err: error, tokenId: id }, "could not tell other instances to close the token's streams"));
    return reply.code(204).send();
  });
}
