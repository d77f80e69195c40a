// The policy, audit and privacy routes (IT's side of the API) and the OpenAPI document, registered together.
import type { FastifyInstance } from "fastify";
import { auditRoutes } from "./audit.js";
import type { ApiDeps } from "./deps.js";
import { openApiRoutes } from "./openapi.js";
import { policyRoutes } from "./policy.js";
import { privacyRoutes } from "./privacy.js";

export function adminRoutes(app: FastifyInstance, deps: ApiDeps): void {
  policyRoutes(app, deps);
  auditRoutes(app, deps);
  privacyRoutes(app, deps);
  openApiRoutes(app);
}
