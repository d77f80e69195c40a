// /api/v1/exemptions: create and delete (security: the policy gives that consent to the security team; admin may too), list (viewer); the decisions and their effects are in exemptions/.
import { AppError, Exemption, ExemptionCreate, ExemptionList, ExemptionQuery, IdParams } from "@wegroup/shared";
import { listExemptions as listExemptionRows, toApiExemption } from "../store/exemptions.js";
import { defineRoute } from "./route.js";

export const createExemption = defineRoute(
  {
    method: "POST",
    path: "/api/v1/exemptions",
    access: "security",
    operationId: "createExemption",
    tags: ["exemptions"],
    summary: "grant an exemption (the approver is the signed-in token's name); answers it with its id",
    body: ExemptionCreate,
    ok: { status: 201, schema: Exemption },
    errors: [400, 413],
  },
  (deps) =>
    async ({ body, req }) => {
      // The approver is the signed-in token's named holder (a person or a team), never a name the body claims.
      const holder = req.identity?.name ?? "unknown";
      return deps.exemptions.create({ ...body, approvedBy: holder }, holder);
    },
);

export const listExemptions = defineRoute(
  {
    method: "GET",
    path: "/api/v1/exemptions",
    access: "viewer",
    operationId: "listExemptions",
    tags: ["exemptions"],
    summary: "exemptions, by status and device",
    query: ExemptionQuery,
    ok: { status: 200, schema: ExemptionList },
    errors: [400],
  },
  (deps) =>
    async ({ query }) => {
      const now = deps.clock.now().toISOString();
      return {
        items: (await listExemptionRows(deps.store.db, { status: query.status, device: query.device, now })).map((row) =>
          toApiExemption(row, now),
        ),
      };
    },
);

export const deleteExemption = defineRoute(
  {
    method: "DELETE",
    path: "/api/v1/exemptions/{id}",
    access: "security",
    operationId: "deleteExemption",
    tags: ["exemptions"],
    summary: "end an exemption now",
    params: IdParams,
    ok: { status: 204, schema: null },
    errors: [400, 404],
  },
  (deps) =>
    async ({ params: { id }, req }) => {
      if (!(await deps.exemptions.remove(id, req.identity?.name ?? "unknown")))
        throw new AppError("not_found", `no standing exemption ${id}`);
    },
);
