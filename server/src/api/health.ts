// GET /healthz: 200 once the server accepts agents, 503 while it stops.
import { AppError, type HealthResponse } from "@wegroup/shared";
import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "./deps.js";

export function healthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/healthz", async (): Promise<HealthResponse> => {
    if (!deps.acceptingAgents()) throw new AppError("unavailable", "not accepting agents (starting or stopping)");
    return { status: "ok" };
  });
}
