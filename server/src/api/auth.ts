// Bearer-token authentication and role checks for the HTTP API.
import { AppError, type Role } from "@wegroup/shared";
import type { FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { roleSatisfies } from "../auth/roles.js";
import { hashSecret } from "../auth/secrets.js";
import { findTokenByHash, type TokenIdentity } from "../store/tokens.js";
import type { Db } from "../store/schema.js";

declare module "fastify" {
  interface FastifyRequest {
    identity: TokenIdentity | null;
  }
}

export function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * A preHandler: 401 without a live token, 403 when its role is below `needed`. With `tokenInQuery` (the live feed:
 * the EventSource API cannot send an Authorization header) the token may also come as `?token=`; the header wins.
 */
export function requireRole(db: Db, needed: Role, options: { tokenInQuery?: boolean } = {}): preHandlerAsyncHookHandler {
  return async (req, reply) => {
    const query = req.query as Record<string, unknown> | undefined;
    const token = bearerToken(req) ?? (options.tokenInQuery === true && typeof query?.token === "string" ? query.token : undefined);
    if (token === undefined) {
      void reply.header("www-authenticate", 'Bearer realm="compliance"');
      throw new AppError(
        "unauthorized",
        options.tokenInQuery === true
          ? "missing token: send Authorization: Bearer <token>, or ?token=<token> from an EventSource"
          : "missing bearer token: send Authorization: Bearer <token>",
      );
    }
    const identity = await findTokenByHash(db, hashSecret(token));
    if (identity === undefined) {
      void reply.header("www-authenticate", 'Bearer realm="compliance", error="invalid_token"');
      throw new AppError("unauthorized", "unknown or revoked token");
    }
    if (!roleSatisfies(identity.role, needed))
      throw new AppError("forbidden", `this needs the ${needed} role; the token "${identity.name}" has ${identity.role}`);
    req.identity = identity;
  };
}
