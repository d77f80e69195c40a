// GET /api/v1/violations/stream (viewer): the live feed as Server-Sent Events, resumable with Last-Event-ID.
import { AppError, ViolationStreamQuery } from "@wegroup/shared";
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { roleSatisfies } from "../auth/roles.js";
import { hashSecret } from "../auth/secrets.js";
import { findTokenByHash } from "../store/tokens.js";
import type { Db } from "../store/schema.js";
import { bearerToken } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { parseInput } from "./errors.js";

export const STREAM_PATH = "/api/v1/violations/stream";

/** A URL as logs may show it: the `token` query parameter replaced. */
export function redactTokenParam(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, "$1[redacted]");
}

/**
 * The EventSource API cannot send an Authorization header, so this route, and only this one, also takes
 * the token as `?token=`. The header wins when both are present.
 */
function streamAuth(db: Db): preHandlerAsyncHookHandler {
  return async (req, reply) => {
    const query = req.query as Record<string, unknown> | undefined;
    const token = bearerToken(req) ?? (typeof query?.token === "string" ? query.token : undefined);
    if (token === undefined) {
      void reply.header("www-authenticate", 'Bearer realm="compliance"');
      throw new AppError("unauthorized", "missing token: send Authorization: Bearer <token>, or ?token=<token> from an EventSource");
    }
    const identity = await findTokenByHash(db, hashSecret(token));
    if (identity === undefined) {
      void reply.header("www-authenticate", 'Bearer realm="compliance", error="invalid_token"');
      throw new AppError("unauthorized", "unknown or revoked token");
    }
    if (!roleSatisfies(identity.role, "viewer")) throw new AppError("forbidden", `this needs the viewer role; the token "${identity.name}" has ${identity.role}`);
    req.identity = identity;
  };
}

/** The header (sent by an EventSource when it reconnects) wins over `?lastEventId=` (set by a client on its first connect). */
function lastEventIdOf(req: FastifyRequest, fromQuery: string | undefined): number | undefined {
  const header = req.headers["last-event-id"];
  if (header !== undefined) {
    const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? "";
    if (!/^\d{1,15}$/.test(value)) throw new AppError("bad_request", `invalid header: Last-Event-ID: expected the id of an event (a whole number), got "${value.slice(0, 40)}"`);
    return Number(value);
  }
  return fromQuery === undefined ? undefined : Number(fromQuery);
}

export function streamRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get(
    STREAM_PATH,
    {
      preHandler: streamAuth(deps.store.db),
      // The request line carries ?token=: never into the log.
      logSerializers: {
        req: (req: FastifyRequest) => ({ method: req.method, url: redactTokenParam(req.url), remoteAddress: req.ip }),
      },
    },
    async (req, reply) => {
      const query = parseInput(ViolationStreamQuery, req.query, "query");
      const lastEventId = lastEventIdOf(req, query.lastEventId);
      reply.hijack();
      req.log.info({ lastEventId, by: req.identity?.name }, "live-feed client connected");
      try {
        await deps.feed.attach(reply.raw, lastEventId, req.identity?.id);
      } catch (error) {
        req.log.error({ err: error }, "live-feed client failed");
        reply.raw.destroy();
      }
    },
  );
}
