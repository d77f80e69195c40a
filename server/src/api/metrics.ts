// GET /metrics: the Prometheus text exposition of this instance, for a viewer token (or anyone with --metrics-public).
import type { FastifyInstance } from "fastify";
import { requireRole } from "./auth.js";
import type { ApiDeps } from "./deps.js";

export function metricsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const access = deps.metricsPublic ? {} : { preHandler: requireRole(deps.store.db, "viewer") };
  app.get("/metrics", access, async (_req, reply) => {
    const text = await deps.metrics.exposition();
    return reply.header("content-type", deps.metrics.contentType).header("cache-control", "no-store").send(text);
  });
}
