// GET /api/v1/software: the fleet's software titles that are not approved, derived from the software violations.
import { SoftwareList, SoftwareQuery } from "@wegroup/shared";
import { fleetTitles, rowStatusFor } from "../software/fleet-titles.js";
import { softwareViolationGroups } from "../store/software.js";
import { defineRoute } from "./route.js";

export const listSoftware = defineRoute(
  {
    method: "GET",
    path: "/api/v1/software",
    access: "viewer",
    operationId: "listSoftware",
    tags: ["software"],
    summary:
      "the fleet's software titles that are not approved (denied, unapproved, or exempted), derived from the software violations: device counts, versions, sources and identity",
    query: SoftwareQuery,
    ok: { status: 200, schema: SoftwareList },
    errors: [400],
  },
  (deps) =>
    async ({ query }) => ({ items: fleetTitles(await softwareViolationGroups(deps.store.db, rowStatusFor(query.status)), query.status) }),
);
