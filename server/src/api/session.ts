// GET /api/v1/session (viewer): who the signed-in token is and what it may do, so a client shows only the controls it can use.
import { AppError, SessionInfo } from "@wegroup/shared";
import { defineRoute } from "./route.js";

export const session = defineRoute(
  {
    method: "GET",
    path: "/api/v1/session",
    access: "viewer",
    operationId: "session",
    tags: ["tokens"],
    summary: "the signed-in token's name (audit actor, exemption approver) and role",
    ok: { status: 200, schema: SessionInfo },
    errors: [],
  },
  () =>
    async ({ req }) => {
      // The access check set it; a request without one never gets here.
      if (req.identity === null) throw new AppError("unauthorized", "no token identity");
      return { name: req.identity.name, role: req.identity.role };
    },
);
