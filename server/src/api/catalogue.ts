// Every HTTP route of the API with its role and its schemas: the one list the OpenAPI document and the authorization tests are made from.
import {
  AuditPage,
  AuditQuery,
  DeviceDetail,
  DeviceList,
  DeviceQuery,
  EnrollRequest,
  EnrollResponse,
  ErrorBody,
  Exemption,
  ExemptionCreate,
  ExemptionList,
  ExemptionQuery,
  HealthResponse,
  IdParams,
  Policy,
  PolicyHistory,
  PolicyPreview,
  PolicyRollout,
  PolicyStored,
  PolicyUpdate,
  PolicyVersionDocument,
  PolicyVersionParams,
  PrivacyErased,
  PrivacyExport,
  PrivacySubject,
  type Role,
  SessionInfo,
  SoftwareList,
  SoftwareQuery,
  TokenCreate,
  TokenCreated,
  TokenList,
  ViolationPage,
  ViolationQuery,
  ViolationStreamQuery,
} from "@wegroup/shared";
import { z } from "zod";
import { PolicyHistoryQuery } from "./policy.js";

/** Who may call a route: nobody in particular, a bearer token of a role, or a secret of its own (in the body or the channel). */
export type RouteAccess = "public" | "enroll-secret" | "device-credential" | Role;

/** Routes called with a bearer token: their access is the least role that may call them. */
export function tokenAccess(access: RouteAccess): Role | undefined {
  return access === "viewer" || access === "security" || access === "admin" ? access : undefined;
}

export interface RouteSpec {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** OpenAPI form: `{id}` for a path parameter. */
  path: string;
  access: RouteAccess;
  summary: string;
  /** A name for OpenAPI's operationId. */
  operationId: string;
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Status → JSON schema of the answer (null: no body). */
  ok: { status: number; schema: z.ZodType | null; contentType?: string };
  /** The error statuses this route can answer besides 401/403 (which follow from `access`). */
  errors: number[];
}

/** The named schemas the document lists under components (the rest are inlined). */
export const NAMED_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  ErrorBody,
  EnrollRequest,
  EnrollResponse,
  DeviceList,
  DeviceDetail,
  ViolationPage,
  Policy,
  PolicyUpdate,
  PolicyStored,
  PolicyHistory,
  PolicyPreview,
  PolicyVersionDocument,
  PolicyRollout,
  SoftwareList,
  ExemptionCreate,
  Exemption,
  ExemptionList,
  TokenCreate,
  TokenCreated,
  TokenList,
  AuditPage,
  PrivacySubject,
  PrivacyExport,
  PrivacyErased,
  HealthResponse,
};

export const ROUTES: readonly RouteSpec[] = [
  { method: "GET", path: "/healthz", access: "public", operationId: "health", summary: "200 once the server accepts agents and its database takes writes; 503 {status, reason} otherwise", ok: { status: 200, schema: HealthResponse }, errors: [503] },
  { method: "GET", path: "/api/v1/openapi.json", access: "public", operationId: "openapi", summary: "this document", ok: { status: 200, schema: null, contentType: "application/json" }, errors: [] },
  {
    method: "POST",
    path: "/api/v1/enroll",
    access: "enroll-secret",
    operationId: "enroll",
    summary: "trade the enrollment secret for this device's credential (shown once, stored hashed); rate-limited",
    body: EnrollRequest,
    ok: { status: 200, schema: EnrollResponse },
    errors: [400, 401, 413, 429],
  },
  {
    method: "GET",
    path: "/api/v1/agent",
    access: "device-credential",
    operationId: "agentChannel",
    summary: "the agent channel: a WebSocket upgrade; the device id and credential travel in the first (hello) frame",
    ok: { status: 101, schema: null },
    errors: [404, 503],
  },
  { method: "GET", path: "/api/v1/session", access: "viewer", operationId: "session", summary: "the signed-in token's name (audit actor, exemption approver) and role", ok: { status: 200, schema: SessionInfo }, errors: [] },
  {
    method: "GET",
    path: "/api/v1/devices",
    access: "viewer",
    operationId: "listDevices",
    summary: "devices with status, open violations and policy version; filtered by status, OS and a part of the hostname; counts per status",
    query: DeviceQuery,
    ok: { status: 200, schema: DeviceList },
    errors: [400],
  },
  { method: "GET", path: "/api/v1/devices/{id}", access: "viewer", operationId: "getDevice", summary: "one device with its latest result per check, enforcement outcomes, agent health and violation history", params: IdParams, ok: { status: 200, schema: DeviceDetail }, errors: [400, 404] },
  {
    method: "GET",
    path: "/api/v1/violations",
    access: "viewer",
    operationId: "listViolations",
    summary: "violations newest first, filtered, paged by cursor, with the true total and counts per check",
    query: ViolationQuery.strict(),
    ok: { status: 200, schema: ViolationPage },
    errors: [400],
  },
  {
    method: "GET",
    path: "/api/v1/violations/stream",
    access: "viewer",
    operationId: "violationStream",
    summary: "live feed as Server-Sent Events (event: violation, data: a Violation, id: resumable with Last-Event-ID); the token may come as ?token=",
    query: ViolationStreamQuery,
    ok: { status: 200, schema: null, contentType: "text/event-stream" },
    errors: [400],
  },
  { method: "GET", path: "/api/v1/policy", access: "viewer", operationId: "getPolicy", summary: "the current policy document with its version", ok: { status: 200, schema: Policy }, errors: [] },
  {
    method: "PUT",
    path: "/api/v1/policy",
    access: "admin",
    operationId: "putPolicy",
    summary: "replace the policy: validated, stored as the next version (the body's version is ignored), pushed to every connected agent at once",
    body: PolicyUpdate,
    ok: { status: 200, schema: PolicyStored },
    errors: [400, 413],
  },
  {
    method: "POST",
    path: "/api/v1/policy/preview",
    access: "admin",
    operationId: "previewPolicy",
    summary:
      "a candidate policy judged by every connected agent without applying it: how many violations it would open and resolve, by title, check and device; devices that did not answer within 3 s count as not previewed",
    body: PolicyUpdate,
    ok: { status: 200, schema: PolicyPreview },
    errors: [400, 413],
  },
  {
    method: "GET",
    path: "/api/v1/policy/history",
    access: "viewer",
    operationId: "policyHistory",
    summary: "policy versions newest first, with author, time and a summary of what changed",
    query: PolicyHistoryQuery,
    ok: { status: 200, schema: PolicyHistory },
    errors: [400],
  },
  {
    method: "GET",
    path: "/api/v1/policy/history/{version}",
    access: "viewer",
    operationId: "policyVersion",
    summary: "one stored policy version: its whole document with author, time and summary",
    params: PolicyVersionParams,
    ok: { status: 200, schema: PolicyVersionDocument },
    errors: [400, 404],
  },
  {
    method: "GET",
    path: "/api/v1/policy/rollout",
    access: "viewer",
    operationId: "policyRollout",
    summary: "devices per policy version, and the connected ones that have not applied the newest",
    ok: { status: 200, schema: PolicyRollout },
    errors: [],
  },
  {
    method: "GET",
    path: "/api/v1/software",
    access: "viewer",
    operationId: "listSoftware",
    summary:
      "the fleet's software titles that are not approved (denied, unapproved, or exempted), derived from the software violations: device counts, versions, sources and identity",
    query: SoftwareQuery,
    ok: { status: 200, schema: SoftwareList },
    errors: [400],
  },
  { method: "POST", path: "/api/v1/exemptions", access: "security", operationId: "createExemption", summary: "grant an exemption (the approver is the signed-in token's name); answers it with its id", body: ExemptionCreate, ok: { status: 201, schema: Exemption }, errors: [400, 413] },
  { method: "GET", path: "/api/v1/exemptions", access: "viewer", operationId: "listExemptions", summary: "exemptions, by status and device", query: ExemptionQuery, ok: { status: 200, schema: ExemptionList }, errors: [400] },
  { method: "DELETE", path: "/api/v1/exemptions/{id}", access: "security", operationId: "deleteExemption", summary: "end an exemption now", params: IdParams, ok: { status: 204, schema: null }, errors: [400, 404] },
  { method: "POST", path: "/api/v1/tokens", access: "admin", operationId: "createToken", summary: "create an API token (shown once, stored hashed)", body: TokenCreate, ok: { status: 201, schema: TokenCreated }, errors: [400, 413] },
  { method: "GET", path: "/api/v1/tokens", access: "admin", operationId: "listTokens", summary: "API tokens, never the tokens themselves", ok: { status: 200, schema: TokenList }, errors: [] },
  { method: "DELETE", path: "/api/v1/tokens/{id}", access: "admin", operationId: "revokeToken", summary: "revoke an API token", params: IdParams, ok: { status: 204, schema: null }, errors: [400, 404, 409] },
  { method: "GET", path: "/api/v1/audit", access: "admin", operationId: "listAudit", summary: "who changed what and when, newest first, paged by cursor", query: AuditQuery, ok: { status: 200, schema: AuditPage }, errors: [400] },
  {
    method: "GET",
    path: "/api/v1/privacy/export",
    access: "admin",
    operationId: "privacyExport",
    summary: "everything held about one device (?device=ID) or one user (?user=NAME), as one JSON document; audited",
    query: PrivacySubject,
    ok: { status: 200, schema: PrivacyExport },
    errors: [400, 404],
  },
  {
    method: "POST",
    path: "/api/v1/privacy/erase",
    access: "admin",
    operationId: "privacyErase",
    summary: "erase a device (every row, deleted) or a user (the name pseudonymised everywhere); answers the counts; audited without the erased data",
    body: PrivacySubject,
    ok: { status: 200, schema: PrivacyErased },
    errors: [400, 404, 413],
  },
];
