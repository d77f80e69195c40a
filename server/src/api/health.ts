// GET /healthz: 200 once the server accepts agents and its database takes writes; 503 with the reason otherwise.
import { HealthResponse, type HealthUnavailable } from "@wegroup/shared";
import type { FastifyReply } from "fastify";
import { defineRoute } from "./route.js";

export const health = defineRoute(
  {
    method: "GET",
    path: "/healthz",
    access: "public",
    operationId: "health",
    tags: ["operations"],
    summary: "200 once the server accepts agents and its database takes writes; 503 {status, reason} otherwise",
    ok: { status: 200, schema: HealthResponse },
    errors: [503],
  },
  (deps) =>
    async ({ reply }) => {
      if (!deps.acceptingAgents()) return unhealthy(reply, "not accepting agents (starting or stopping)");
      const store = deps.storeHealth();
      if (!store.ok) return unhealthy(reply, `the database cannot store reports: ${store.reason}`, store.since);
      return { status: "ok" as const };
    },
);

/** A load balancer reads the status; a person the reason; API clients find the usual error object too. */
function unhealthy(reply: FastifyReply, reason: string, since?: string): FastifyReply {
  const body: HealthUnavailable = {
    status: "unavailable",
    reason,
    ...(since === undefined ? {} : { since }),
    error: { code: "unavailable", message: reason },
  };
  return reply.code(503).header("retry-after", "2").type("application/json; charset=utf-8").send(body);
}
