// GET /healthz: 200 once the server accepts agents and its database takes writes; 503 with the reason otherwise.
import type { HealthResponse, HealthUnavailable } from "@wegroup/shared";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ApiDeps } from "./deps.js";

export function healthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/healthz", async (_req, reply): Promise<HealthResponse | FastifyReply> => {
    if (!deps.acceptingAgents()) return unhealthy(reply, "not accepting agents (starting or stopping)");
    const store = deps.storeHealth();
    if (!store.ok) return unhealthy(reply, `the database cannot store reports: ${store.reason}`, store.since);
    return { status: "ok" };
  });
}

/** A load balancer reads the status; a person the reason; API clients find the usual error object too. */
function unhealthy(reply: FastifyReply, reason: string, since?: string): FastifyReply {
  const body: HealthUnavailable = { status: "unavailable", reason, ...(since === undefined ? {} : { since }), error: { code: "unavailable", message: reason } };
  return reply.code(503).header("retry-after", "2").type("application/json; charset=utf-8").send(body);
}
