// The OpenAPI 3.1 document of the API (served at GET /api/v1/openapi.json), generated from the route declarations and their zod schemas.
import {
  AuditPage,
  DeviceDetail,
  DeviceNotice,
  DeviceList,
  EnrollRequest,
  EnrollResponse,
  ErrorBody,
  Exemption,
  ExemptionCreate,
  ExemptionList,
  HealthResponse,
  WebhookCreate,
  WebhookInfo,
  WebhookList,
  Policy,
  PolicyHistory,
  PolicyRollout,
  PolicyStored,
  PolicyUpdate,
  PrivacyErased,
  PrivacyExport,
  PrivacySubject,
  SoftwareList,
  StreamReady,
  TokenCreate,
  TokenCreated,
  TokenList,
  Violation,
  ViolationPage,
} from "@wegroup/shared";
import { z } from "zod";
import { type RouteSpec, tokenAccess } from "./route.js";

type Json = Record<string, unknown>;

/** The named schemas the document lists under components (the rest are inlined). */
export const NAMED_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  ErrorBody,
  EnrollRequest,
  EnrollResponse,
  DeviceList,
  DeviceDetail,
  ViolationPage,
  Violation,
  DeviceNotice,
  StreamReady,
  Policy,
  PolicyUpdate,
  PolicyStored,
  PolicyHistory,
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
  WebhookCreate,
  WebhookInfo,
  WebhookList,
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  101: "switching to the WebSocket protocol",
  200: "OK",
  201: "created",
  204: "done; no body",
  400: "the body, query or path does not validate; the message names the field",
  401: "no token, or an unknown or revoked one",
  403: "the token's role is too low",
  404: "no such thing",
  409: "conflicts with what is stored",
  413: "the body is larger than the server takes",
  429: "too many attempts; see Retry-After",
  503: "starting or stopping",
};

/** What each tag of the routes' declarations groups (every tag a route names is listed here: a test says so). */
export const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  operations: "health for load balancers, Prometheus metrics, and this document",
  agents: "enrollment and the agent channel (the device's own credential, not an API token)",
  devices: "the enrolled devices, their status and latest results",
  violations: "violations, paged and live (Server-Sent Events)",
  policy: "the policy document, its history and its rollout to the devices",
  software: "the fleet's software titles that are not approved",
  exemptions: "security's written consent for a failure, until it expires",
  tokens: "API tokens for people and tools",
  audit: "who changed what and when",
  privacy: "export and erasure of what is held about a device or a user",
  webhooks: "SIEM delivery: every feed event POSTed, signed, in order, at least once",
};

/** Builds the document; pure, so that tests validate exactly what the route serves. */
export function openApiDocument(routes: readonly RouteSpec[]): Json {
  const components = new SchemaComponents();
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const byMethod = (paths[route.path] ??= {});
    byMethod[route.method.toLowerCase()] = operation(route, components);
  }
  const tags = [...new Set(routes.flatMap((r) => r.tags))].map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name }));
  return {
    openapi: "3.1.0",
    info: {
      title: "WeGroup endpoint compliance API",
      version: "1",
      description:
        'JSON over HTTP; `Authorization: Bearer <token>`. Roles: viewer (read) and admin (read and write). Errors are {"error":{"code","message"}}; a wrong method on a known path is a 405 with `Allow`.',
      contact: { name: "WeGroup IT security", email: "security@wegroup.example" },
      license: { name: "Proprietary: WeGroup internal use", identifier: "LicenseRef-WeGroup-Internal" },
    },
    // Relative: the document is served by the server it describes, at whatever address it was reached.
    servers: [{ url: "/", description: "the compliance server this document was fetched from" }],
    tags,
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "an API token (viewer or admin), or the admin token from the data dir" },
        streamToken: {
          type: "apiKey",
          in: "query",
          name: "token",
          description: "the same token, for EventSource clients that cannot send headers (the live feed only)",
        },
      },
    },
  };
}

function operation(route: RouteSpec, components: SchemaComponents): Json {
  const op: Json = {
    operationId: route.operationId,
    summary: route.summary,
    description: route.description ?? route.summary,
    tags: [...route.tags],
    security: security(route),
    responses: responses(route, components),
  };
  const role = tokenAccess(route.access);
  if (role !== undefined) op["x-required-role"] = role;
  const headers = (route.headers ?? []).map((h) => ({
    name: h.name,
    in: "header",
    required: false,
    description: h.description,
    schema: toJsonSchema(h.schema, "input"),
  }));
  const parameters = [...objectParameters(route.params, "path"), ...objectParameters(route.query, "query"), ...headers];
  if (parameters.length > 0) op.parameters = parameters;
  if (route.body !== undefined) {
    op.requestBody = { required: true, content: { "application/json": { schema: components.ref(route.body, "input") } } };
  }
  return op;
}

function security(route: RouteSpec): Json[] {
  if (tokenAccess(route.access) === undefined) return [];
  return route.tokenInQuery === true ? [{ bearerAuth: [] }, { streamToken: [] }] : [{ bearerAuth: [] }];
}

function responses(route: RouteSpec, components: SchemaComponents): Json {
  const out: Json = {};
  const { status, schema, contentType } = route.ok;
  const ok: Json = { description: STATUS_TEXT[status] ?? "OK" };
  if (schema !== null) ok.content = { [contentType ?? "application/json"]: { schema: components.ref(schema, "output") } };
  else if (route.ok.events !== undefined)
    ok.content = { [contentType ?? "text/event-stream"]: { schema: eventStream(route.ok.events, components) } };
  else if (contentType !== undefined)
    ok.content = { [contentType]: { schema: contentType === "application/json" ? { type: "object" } : { type: "string" } } };
  out[String(status)] = ok;
  const errors = new Set(route.errors);
  if (tokenAccess(route.access) !== undefined) {
    errors.add(401);
    errors.add(403);
  }
  for (const code of [...errors].sort((a, b) => a - b)) {
    out[String(code)] = {
      description: STATUS_TEXT[code] ?? "error",
      content: { "application/json": { schema: components.ref(NAMED_SCHEMAS.ErrorBody ?? z.unknown(), "output") } },
    };
  }
  return out;
}

/** An event stream as the sequence of its events: each an SSE `event:` name, an optional `id:`, and `data:` (JSON) of its schema. */
function eventStream(events: Readonly<Record<string, z.ZodType>>, components: SchemaComponents): Json {
  return {
    type: "array",
    description: "Server-Sent Events (text/event-stream): each item is one event, sent as `id:`, `event:` and one `data:` line of JSON",
    items: {
      oneOf: Object.entries(events).map(([name, data]) => ({
        type: "object",
        properties: { event: { const: name }, id: { type: "string", pattern: "^\\d{1,15}$" }, data: components.ref(data, "output") },
        required: ["event", "data"],
      })),
    },
  };
}

function objectParameters(schema: z.ZodType | undefined, where: "path" | "query"): Json[] {
  if (schema === undefined) return [];
  const json = toJsonSchema(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: property,
  }));
}

/** A schema the document names goes under components once and is referred to; any other is inlined. */
class SchemaComponents {
  readonly schemas: Record<string, Json> = {};
  readonly #names = new Map<z.ZodType, string>(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [schema, name]));
  readonly #io = new Map<string, "input" | "output">();

  ref(schema: z.ZodType, io: "input" | "output"): Json {
    const base = this.#names.get(schema);
    if (base === undefined) return toJsonSchema(schema, io);
    // A schema read in both directions differs (defaults make input fields optional): one component each.
    const name = io === "input" && this.schemas[base] !== undefined && this.#io.get(base) === "output" ? `${base}Input` : base;
    if (this.schemas[name] === undefined) {
      this.schemas[name] = toJsonSchema(schema, io);
      this.#io.set(name, io);
    }
    return { $ref: `#/components/schemas/${name}` };
  }
}

function toJsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
  return json;
}
