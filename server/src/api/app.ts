// The HTTP application: fastify with the API routes, the dashboard and one error shape.
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import Fastify from "fastify";
import type { Logger } from "../logger.js";
import { adminRoutes } from "./admin-routes.js";
import { dashboardRoutes } from "./dashboard.js";
import type { ApiDeps } from "./deps.js";
import { deviceRoutes } from "./devices.js";
import { enrollRoutes } from "./enroll.js";
import { exemptionRoutes } from "./exemptions.js";
import { frameworkError, installErrorHandlers } from "./errors.js";
import { healthRoutes } from "./health.js";
import { sessionRoutes } from "./session.js";
import { softwareRoutes } from "./software.js";
import { streamRoutes } from "./stream.js";
import { tokenRoutes } from "./tokens.js";
import { violationRoutes } from "./violations.js";

export interface HttpOptions {
  logger: Logger;
  https?: { key: Buffer; cert: Buffer } | undefined;
}

export function buildApp(deps: ApiDeps, options: HttpOptions): FastifyInstance {
  const fastifyOptions: FastifyServerOptions & { https?: { key: Buffer; cert: Buffer } } = {
    loggerInstance: options.logger,
    bodyLimit: deps.bodyLimitBytes,
    return503OnClosing: true,
    // The reply is sent by frameworkError itself; fastify awaits nothing here.
    frameworkErrors: (error, req, reply) => void frameworkError(error, req, reply),
    ...(options.https === undefined ? {} : { https: options.https }),
  };
  const app = Fastify(fastifyOptions) as unknown as FastifyInstance;
  app.decorateRequest("identity", null);
  app.addHook("onSend", async (_req, reply, payload) => {
    void reply.header("x-content-type-options", "nosniff");
    return payload;
  });
  installErrorHandlers(app, deps.bodyLimitBytes);
  healthRoutes(app, deps);
  enrollRoutes(app, deps);
  sessionRoutes(app, deps);
  deviceRoutes(app, deps);
  violationRoutes(app, deps);
  streamRoutes(app, deps);
  softwareRoutes(app, deps);
  exemptionRoutes(app, deps);
  tokenRoutes(app, deps);
  adminRoutes(app, deps);
  dashboardRoutes(app, deps);
  return app;
}
