// /api/v1/tokens (admin): API tokens for people and tools; the token is shown once and stored only hashed; changes are audited.
import { IdParams, TokenCreate, TokenCreated, TokenList } from "@wegroup/shared";
import { issueToken, revokeTokenAudited } from "../auth/token-admin.js";
import { listTokens as listTokenRows } from "../store/tokens.js";
import { defineRoute } from "./route.js";

export const createToken = defineRoute(
  {
    method: "POST",
    path: "/api/v1/tokens",
    access: "admin",
    operationId: "createToken",
    tags: ["tokens"],
    summary: "create an API token (shown once, stored hashed)",
    body: TokenCreate,
    ok: { status: 201, schema: TokenCreated },
    errors: [400, 413],
  },
  (deps) =>
    async ({ body, req }) => {
      const by = req.identity?.name ?? "unknown";
      const created = await issueToken(deps.store.db, {
        id: deps.newId(),
        name: body.name,
        role: body.role,
        actor: by,
        now: deps.clock.now().toISOString(),
      });
      req.log.info({ tokenId: created.id, name: body.name, role: body.role, by }, "API token created");
      return created;
    },
);

export const listTokens = defineRoute(
  {
    method: "GET",
    path: "/api/v1/tokens",
    access: "admin",
    operationId: "listTokens",
    tags: ["tokens"],
    summary: "API tokens, never the tokens themselves",
    ok: { status: 200, schema: TokenList },
    errors: [],
  },
  (deps) => async () => ({ items: await listTokenRows(deps.store.db) }),
);

export const revokeToken = defineRoute(
  {
    method: "DELETE",
    path: "/api/v1/tokens/{id}",
    access: "admin",
    operationId: "revokeToken",
    tags: ["tokens"],
    summary: "revoke an API token",
    params: IdParams,
    ok: { status: 204, schema: null },
    errors: [400, 404, 409],
  },
  (deps) =>
    async ({ params: { id }, req }) => {
      const by = req.identity?.name ?? "unknown";
      await revokeTokenAudited(deps.store.db, id, { actor: by, now: deps.clock.now().toISOString() });
      req.log.info({ tokenId: id, by }, "API token revoked");
      // Its open live-feed streams end now, here and on the other instances (the periodic re-check is the safety net).
      await deps.streamTokens
        .revoked(id)
        .catch((error: unknown) =>
          req.log.warn({ err: error, tokenId: id }, "could not tell other instances to close the token's streams"),
        );
    },
);
