// GET /api/v1/software: the fleet's software titles that are not approved, derived from the software violations.
import { type SoftwareList, SoftwareQuery } from "@wegroup/shared";
import type { FastifyInstance } from "fastify";
import { fleetTitles, rowStatusFor } from "../software/fleet-titles.js";
import { softwareViolationGroups } from "../store/software.js";
import { requireRole } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { parseInput } from "./errors.js";

export function softwareRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const db = deps.store.db;
  app.get("/api/v1/software", { preHandler: requireRole(db, "viewer") }, async (req): Promise<SoftwareList> => {
    const q = parseInput(SoftwareQuery, req.query, "query");
    return { items: fleetTitles(await softwareViolationGroups(db, rowStatusFor(q.status)), q.status) };
  });
}
