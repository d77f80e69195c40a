// The HTTP application: fastify with the API routes of the catalogue, the dashboard and one error shape.
import type { FastifyInstance, FastifyServerOptions, RouteOptions } from "fastify";
import Fastify from "fastify";
import type { Logger } from "../logger.js";
import { requireRole } from "./auth.js";
import { ROUTES } from "./catalogue.js";
import { dashboardRoutes } from "./dashboard.js";
import type { ApiDeps } from "./deps.js";
import { frameworkError, installErrorHandlers } from "./errors.js";
import { type RegisteredRoute, routeOptions, type RouteSpec, tokenAccess } from "./route.js";
import { redactTokenParam } from "./stream.js";

export interface HttpOptions {
  logger: Logger;
  https?: { key: Buffer; cert: Buffer } | undefined;
  /** Proxies whose X-Forwarded-For gives the client's address (req.ip); none: the peer's address. */
  trustedProxies?: readonly string[] | undefined;
}

/** What fastify registered, as its onRoute hook saw it: the reverse check against the catalogue reads this. */
const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>();

export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return registered.get(app) ?? [];
}

export function buildApp(deps: ApiDeps, options: HttpOptions): FastifyInstance {
  const fastifyOptions: FastifyServerOptions & { https?: { key: Buffer; cert: Buffer } } = {
    loggerInstance: options.logger,
    bodyLimit: deps.bodyLimitBytes,
    return503OnClosing: true,
    ...(options.trustedProxies === undefined || options.trustedProxies.length === 0 ? {} : { trustProxy: [...options.trustedProxies] }),
    // The reply is sent by frameworkError itself; fastify awaits nothing here.
    frameworkErrors: (error, req, reply) => void frameworkError(error, req, reply),
    ...(options.https === undefined ? {} : { https: options.https }),
  };
  const app = Fastify(fastifyOptions) as unknown as FastifyInstance;
  const routes: RegisteredRoute[] = [];
  registered.set(app, routes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  app.decorateRequest("identity", null);
  app.addHook("onSend", async (_req, reply, payload) => {
    void reply.header("x-content-type-options", "nosniff");
    return payload;
  });
  installErrorHandlers(app, deps.bodyLimitBytes, routes);
  for (const route of ROUTES) app.route(withAccess(routeOptions(route, deps), route.spec, deps));
  dashboardRoutes(app, deps);
  return app;
}

/** The access check the route's declaration names; a token in the query never reaches the log. */
function withAccess(options: RouteOptions, spec: RouteSpec, deps: ApiDeps): RouteOptions {
  const role = tokenAccess(spec.access);
  if (role === undefined) return options;
  // A route the operator opened to anyone (GET /metrics with --metrics-public).
  if (spec.publicWhen !== undefined && deps[spec.publicWhen]) return options;
  const preHandler = requireRole(deps.store.db, role, { tokenInQuery: spec.tokenInQuery === true });
  if (spec.tokenInQuery !== true) return { ...options, preHandler };
  return {
    ...options,
    preHandler,
    logSerializers: {
      req: (req: { method: string; url: string; ip: string }) => ({
        method: req.method,
        url: redactTokenParam(req.url),
        remoteAddress: req.ip,
      }),
    },
  };
}
