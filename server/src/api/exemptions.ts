// /api/v1/exemptions: create and delete (security: the policy gives that consent to the security team; admin may too), list (viewer); the decisions and their effects are in exemptions/.
import { AppError, type Exemption, ExemptionCreate, type ExemptionList, ExemptionQuery, IdParams } from "@wegroup/shared";
import type { FastifyInstance } from "fastify";
import { listExemptions, toApiExemption } from "../store/exemptions.js";
import { requireRole } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { parseInput } from "./errors.js";

export function exemptionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const db = deps.store.db;
  const security = { preHandler: requireRole(db, "security") };

  app.post("/api/v1/exemptions", security, async (req, reply): Promise<Exemption> => {
    const body = parseInput(ExemptionCreate, req.body, "body");
    // The approver is the signed-in token's named holder (a person or a team), never a name the body claims.
    const holder = req.identity?.name ?? "unknown";
    const created = await deps.exemptions.create({ ...body, approvedBy: holder }, holder);
    void reply.code(201);
    return created;
  });

  app.get("/api/v1/exemptions", { preHandler: requireRole(db, "viewer") }, async (req): Promise<ExemptionList> => {
    const q = parseInput(ExemptionQuery, req.query, "query");
    const now = deps.clock.now().toISOString();
    return { items: (await listExemptions(db, { status: q.status, device: q.device, now })).map((row) => toApiExemption(row, now)) };
  });

  app.delete("/api/v1/exemptions/:id", security, async (req, reply) => {
    const { id } = parseInput(IdParams, req.params, "query");
    if (!(await deps.exemptions.remove(id, req.identity?.name ?? "unknown"))) throw new AppError("not_found", `no standing exemption ${id}`);
    return reply.code(204).send();
  });
}
