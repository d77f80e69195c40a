// HTTP errors: every failure answers {"error":{"code","message"}} with the status ERROR_TRANSPORT gives its code.
import { AppError, ERROR_TRANSPORT, type ErrorCode } from "@wegroup/shared";
import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { classifyStoreError } from "../store/failure.js";
import { allowedMethods } from "./allowed-methods.js";
import type { RegisteredRoute } from "./route.js";

export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(ERROR_TRANSPORT[code].http).type("application/json; charset=utf-8").send({ error: { code, message } });
}

const BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  429: "rate_limited",
  503: "unavailable",
};

/** `routes`: what fastify registered (filled as routes are added), to tell a wrong method (405) from an unknown path (404). */
export function installErrorHandlers(app: FastifyInstance, bodyLimitBytes: number, routes: readonly RegisteredRoute[]): void {
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split("?")[0] ?? "";
    const allow = allowedMethods(routes, path);
    if (allow.length === 0) return sendError(reply, "not_found", `no route ${req.method} ${path}`);
    void reply.header("allow", allow.join(", "));
    return sendError(reply, "method_not_allowed", `${path} does not take ${req.method}; it takes ${allow.join(", ")}`);
  });
  app.setErrorHandler((error: FastifyError | AppError | Error, req, reply) => {
    if (error instanceof AppError) return sendError(reply, error.code, error.message);
    const fe = error as FastifyError;
    switch (fe.code) {
      case "FST_ERR_CTP_BODY_TOO_LARGE":
        return sendError(
          reply,
          "payload_too_large",
          `the request body is larger than ${req.routeOptions.bodyLimit ?? bodyLimitBytes} bytes`,
        );
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
        return sendError(reply, "bad_request", "expected a JSON body (Content-Type: application/json)");
      case "FST_ERR_CTP_EMPTY_JSON_BODY":
        return sendError(reply, "bad_request", "invalid body: empty JSON body");
      case "FST_ERR_CTP_INVALID_JSON_BODY":
        return sendError(reply, "bad_request", `invalid body: not JSON (${fe.message})`);
    }
    // A database that cannot take queries now (connection lost, disk full) is a 503 to retry, not a server bug.
    const failure = classifyStoreError(error);
    if (failure?.kind === "unavailable") {
      req.log.warn({ reason: failure.reason }, "request failed: the database is unavailable");
      void reply.header("retry-after", "2");
      return sendError(reply, "unavailable", `the database is unavailable (${failure.reason}); try again shortly`);
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendError(reply, BY_STATUS[status] ?? "bad_request", fe.message);
    req.log.error({ err: error }, "request failed");
    return sendError(reply, "internal", "internal error; the server log has the details");
  });
}

/**
 * Errors fastify's router raises before any route or error handler runs (a malformed percent-encoding,
 * an over-long path parameter): answered in the same error shape as everything else (found by fuzzing).
 */
export function frameworkError(error: FastifyError, _req: unknown, reply: FastifyReply): FastifyReply {
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH")
    return sendError(reply, "bad_request", "invalid path: a path parameter is longer than 100 characters");
  if (error.code === "FST_ERR_BAD_URL") return sendError(reply, "bad_request", "invalid path: not a well-formed URL");
  return sendError(reply, "internal", "internal error; the server log has the details");
}
