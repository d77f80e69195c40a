// The one catalogue of error codes shared by the HTTP API, WebSocket error frames and the CLIs.
import { z } from "zod";

export const ErrorCode = z.enum([
  "bad_request",
  "invalid_policy",
  "invalid_frame",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "rate_limited",
  "not_enrolled",
  "unavailable",
  "internal",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

interface Transport {
  /** HTTP status for the API. */
  http: number;
  /** WebSocket close code (4000-4999 is the application range) when the error ends the connection. */
  ws: number;
  /** Process exit code for the CLIs (2 = an error, per the agent's contract). */
  exit: number;
}

/** Each transport maps codes to its own form here, and only here. */
export const ERROR_TRANSPORT: Readonly<Record<ErrorCode, Transport>> = Object.freeze({
  bad_request: { http: 400, ws: 4400, exit: 2 },
  invalid_policy: { http: 400, ws: 4400, exit: 2 },
  invalid_frame: { http: 400, ws: 4400, exit: 2 },
  unauthorized: { http: 401, ws: 4401, exit: 2 },
  forbidden: { http: 403, ws: 4403, exit: 2 },
  not_found: { http: 404, ws: 4404, exit: 2 },
  method_not_allowed: { http: 405, ws: 4405, exit: 2 },
  conflict: { http: 409, ws: 4409, exit: 2 },
  payload_too_large: { http: 413, ws: 1009, exit: 2 },
  rate_limited: { http: 429, ws: 4429, exit: 2 },
  not_enrolled: { http: 401, ws: 4401, exit: 2 },
  unavailable: { http: 503, ws: 1013, exit: 2 },
  internal: { http: 500, ws: 1011, exit: 2 },
});

export const ErrorBody = z.object({
  error: z.object({ code: ErrorCode, message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** An error that carries a catalogue code and a message a person can act on. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** Turns a zod error into one line that names the offending field: `software.deny[3].name: expected a string`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${formatPath(issue.path)}: ${issue.message}`)
    .join("; ");
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}
