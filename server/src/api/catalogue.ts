// Every HTTP route of the API, each declared once (with defineRoute) beside its handler: the one list that fastify
// registers, the OpenAPI document describes and the authorization tests walk.
import { AGENT_CHANNEL_PATH, AppError } from "@wegroup/shared";
import { listAudit } from "./audit.js";
import { getDevice, listDevices } from "./devices.js";
import { enroll } from "./enroll.js";
import { createExemption, deleteExemption, listExemptions } from "./exemptions.js";
import { health } from "./health.js";
import { openApiDocument } from "./openapi.js";
import { getPolicy, policyHistory, policyRollout, policyVersion, previewPolicy, putPolicy } from "./policy.js";
import { privacyErase, privacyExport } from "./privacy.js";
import { defineRoute, type Route, type RouteSpec } from "./route.js";
import { session } from "./session.js";
import { listSoftware } from "./software.js";
import { violationStream } from "./stream.js";
import { createToken, listTokens, revokeToken } from "./tokens.js";
import { listViolations } from "./violations.js";
import { metrics } from "./metrics.js";
import { createWebhook, deleteWebhook, listWebhooks, pauseWebhook, resumeWebhook } from "./webhooks.js";

export type { Route, RouteAccess, RouteSpec } from "./route.js";
export { tokenAccess } from "./route.js";

/** The agent channel is a WebSocket upgrade, answered by the HTTP server's upgrade listener; a plain request gets a 400 that says so. */
const agentChannel = defineRoute(
  {
    method: "GET",
    path: AGENT_CHANNEL_PATH,
    access: "device-credential",
    upgrade: true,
    operationId: "agentChannel",
    tags: ["agents"],
    summary: "the agent channel: a WebSocket upgrade; the device id and credential travel in the first (hello) frame",
    ok: { status: 101, schema: null },
    errors: [400, 404, 503],
  },
  () => async () => {
    throw new AppError("bad_request", `${AGENT_CHANNEL_PATH} is the agent channel: connect with a WebSocket upgrade (Upgrade: websocket)`);
  },
);

const openApi = defineRoute(
  {
    method: "GET",
    path: "/api/v1/openapi.json",
    access: "public",
    operationId: "openapi",
    tags: ["operations"],
    summary: "this document",
    ok: { status: 200, schema: null, contentType: "application/json" },
    errors: [],
  },
  () => {
    let document: Record<string, unknown> | undefined;
    return async ({ reply }) => reply.type("application/json; charset=utf-8").send((document ??= apiDocument()));
  },
);

export const ROUTES: readonly Route[] = [
  health,
  openApi,
  enroll,
  agentChannel,
  session,
  listDevices,
  getDevice,
  listViolations,
  violationStream,
  getPolicy,
  putPolicy,
  previewPolicy,
  policyHistory,
  policyVersion,
  policyRollout,
  listSoftware,
  createExemption,
  listExemptions,
  deleteExemption,
  createToken,
  listTokens,
  revokeToken,
  listAudit,
  privacyExport,
  privacyErase,
  createWebhook,
  listWebhooks,
  deleteWebhook,
  pauseWebhook,
  resumeWebhook,
  metrics,
];

export const ROUTE_SPECS: readonly RouteSpec[] = ROUTES.map((r) => r.spec);

/** The OpenAPI document of this catalogue (what GET /api/v1/openapi.json serves). */
export function apiDocument(): Record<string, unknown> {
  return openApiDocument(ROUTE_SPECS);
}
