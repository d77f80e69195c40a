// /api/v1/tokens (admin): API tokens for people and tools; the token is shown once and stored only hashed.
import { AppError, TokenCreate, type TokenCreated, type TokenList } from "@wegroup/shared";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { hashSecret, randomSecret } from "../auth/secrets.js";
import { createToken, DATA_DIR_ADMIN_TOKEN_ID, listTokens, revokeToken } from "../store/tokens.js";
import { requireRole } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { parseInput } from "./errors.js";

const TokenParams = z.object({ id: z.string().min(1).max(64) });

export function tokenRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const db = deps.store.db;
  const admin = { preHandler: requireRole(db, "admin") };

  app.post("/api/v1/tokens", admin, async (req, reply): Promise<TokenCreated> => {
    const body = parseInput(TokenCreate, req.body, "body");
    const token = randomSecret();
    const id = deps.newId();
    await createToken(db, { id, name: body.name, role: body.role, tokenHash: hashSecret(token), now: deps.clock.now().toISOString() });
    req.log.info({ tokenId: id, name: body.name, role: body.role, by: req.identity?.name }, "API token created");
    void reply.code(201);
    return { id, name: body.name, role: body.role, token };
  });

  app.get("/api/v1/tokens", admin, async (): Promise<TokenList> => ({ items: await listTokens(db) }));

  app.delete("/api/v1/tokens/:id", admin, async (req, reply) => {
    const { id } = parseInput(TokenParams, req.params, "query");
    if (id === DATA_DIR_ADMIN_TOKEN_ID) throw new AppError("conflict", "the data-dir admin token is revoked by replacing the admin-token file and restarting");
    if (!(await revokeToken(db, id, deps.clock.now().toISOString()))) throw new AppError("not_found", `no live token ${id}`);
    req.log.info({ tokenId: id, by: req.identity?.name }, "API token revoked");
    return reply.code(204).send();
  });
}
