// One declaration per route: path, access, the shared schemas of its params, query and body, its answer, and its handler.
// Registration, the OpenAPI document and the authorization tests all read the same declaration.
import { AppError, describeZodError, type ErrorCode, type Role } from "@wegroup/shared";
import type { FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import type { z } from "zod";
import type { ApiDeps } from "./deps.js";

/** Who may call a route: nobody in particular, a bearer token of a role, or a secret of its own (in the body or the channel). */
export type RouteAccess = "public" | "enroll-secret" | "device-credential" | Role;

/** Routes called with a bearer token: their access is the least role that may call them. */
export function tokenAccess(access: RouteAccess): Role | undefined {
  return access === "viewer" || access === "security" || access === "admin" ? access : undefined;
}
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";
/** Where a request input comes from; a failure to parse it is a 400 labelled with this name. */
export type InputPart = "params" | "query" | "body";

export interface RouteSpec {
  method: HttpMethod;
  /** OpenAPI form: `{id}` for a path parameter. */
  path: string;
  access: RouteAccess;
  /** Served without a token when the server's configuration says so (`metricsPublic`: --metrics-public). */
  publicWhen?: "metricsPublic";
  /** The token may also come as `?token=` (EventSource clients cannot send headers); the request line is then redacted in logs. */
  tokenInQuery?: boolean;
  summary: string;
  description?: string;
  /** A name for OpenAPI's operationId. */
  operationId: string;
  tags: readonly string[];
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The error code of a body that does not validate (default `bad_request`, with the message prefixed "invalid body: "). */
  bodyError?: "invalid_policy";
  /** Status → JSON schema of the answer (null: no body, or not JSON). */
  ok: {
    status: number;
    schema: z.ZodType | null;
    contentType?: string;
    /** An event stream's events: SSE event name → the schema of its `data:` (JSON). */
    events?: Readonly<Record<string, z.ZodType>>;
  };
  /** Request headers the route reads (documented; the handler reads them itself). */
  headers?: readonly { name: string; description: string; schema: z.ZodType }[];
  /** The error statuses this route can answer besides 401/403 (which follow from `access`). */
  errors: readonly number[];
  /** Served by the HTTP server's upgrade listener (the agent channel); fastify answers a plain request to it with 400. */
  upgrade?: boolean;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives: the request's inputs parsed with the route's schemas, and the request and reply for the rest. */
export interface RouteInput<S extends RouteSpec> {
  params: Parsed<S["params"]>;
  query: Parsed<S["query"]>;
  body: Parsed<S["body"]>;
  req: FastifyRequest;
  reply: FastifyReply;
}

/** The answer a handler returns (sent with `ok.status`), nothing when the route has no body, or the reply it sent itself. */
export type RouteAnswer<S extends RouteSpec> = (S["ok"]["schema"] extends z.ZodType ? z.output<S["ok"]["schema"]> : void) | FastifyReply;

export type RouteHandler<S extends RouteSpec> = (input: RouteInput<S>) => Promise<RouteAnswer<S>>;

/** Fastify options a route may add (rate limiting before the body is read, its own body limit). */
export type RouteExtras = Pick<RouteOptions, "onRequest" | "bodyLimit">;

type ErasedHandler = (input: {
  params: unknown;
  query: unknown;
  body: unknown;
  req: FastifyRequest;
  reply: FastifyReply;
}) => Promise<unknown>;

export interface Route {
  readonly spec: RouteSpec;
  /** Builds the handler from the composition root's dependencies. */
  readonly build: (deps: ApiDeps) => { handle: ErasedHandler; extras: RouteExtras };
}

export function defineRoute<const S extends RouteSpec>(
  spec: S,
  build: (deps: ApiDeps) => RouteHandler<S> | { handle: RouteHandler<S>; extras: RouteExtras },
): Route {
  return {
    spec,
    build: (deps) => {
      const built = build(deps);
      // Sound: registration parses params, query and body with exactly the schemas of `spec` before it calls the handler.
      const { handle, extras } = typeof built === "function" ? { handle: built, extras: {} } : built;
      return { handle: handle as unknown as ErasedHandler, extras };
    },
  };
}

/** Validates one input with its shared schema; a failure is a 400 naming the part and the field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, part: InputPart, code: ErrorCode = "bad_request"): z.output<S> {
  const parsed = schema.safeParse(value ?? (part === "body" ? undefined : {}));
  if (parsed.success) return parsed.data;
  throw new AppError(code, code === "bad_request" ? `invalid ${part}: ${describeZodError(parsed.error)}` : describeZodError(parsed.error));
}

/** `/api/v1/devices/{id}` → `/api/v1/devices/:id` */
export function fastifyPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ":$1");
}

/** A route as fastify registered it (fastify's path form). */
export interface RegisteredRoute {
  method: string;
  url: string;
}

/** The fastify route options of one declared route: input parsing and the answer's status (the access check is added by the app). */
export function routeOptions(route: Route, deps: ApiDeps): RouteOptions {
  const { spec } = route;
  const { handle, extras } = route.build(deps);
  return {
    method: spec.method,
    url: fastifyPath(spec.path),
    ...extras,
    handler: async (req, reply) => {
      const params = spec.params === undefined ? undefined : parseInput(spec.params, req.params, "params");
      const query = spec.query === undefined ? undefined : parseInput(spec.query, req.query, "query");
      const body = spec.body === undefined ? undefined : parseInput(spec.body, req.body, "body", spec.bodyError);
      void reply.code(spec.ok.status);
      const answer = await handle({ params, query, body, req, reply });
      if (answer === undefined && !reply.sent) return reply.send();
      return answer;
    },
  };
}
