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

/** A preHandler: 401 without a live token, 403 when its role is below `needed`. */
export function requireRole(db: Db, needed: Role): preHandlerAsyncHookHandler {
  return async (req, reply) => {
    const token = bearerToken(req);
    if (token === undefined) {
      void reply.header("www-authenticate", 'Bearer realm="compliance"');
      throw new AppError("unauthorized", "missing bearer token: send Authorization: Bearer <token>");
    }
    const identity = await findTokenByHash(db, hashSecret(token));
    if (identity === undefined) {
      void reply.header("www-authenticate", 'Bearer realm="compliance", error="invalid_token"');
      throw new AppError("unauthorized", "unknown or revoked token");
    }
    if (!roleSatisfies(identity.role, needed)) throw new AppError("forbidden", `this needs the ${needed} role; the token "${identity.name}" has ${identity.role}`);
    req.identity = identity;
  };
}
