// The pino logger: JSON lines, secrets redacted by configuration rather than by care.
import { pino, type DestinationStream, type Logger, stdSerializers } from "pino";
import type { LogLevel } from "./config.js";

export type { Logger };

/** Every place a secret can sit in a logged object: headers, bodies, frames, our own fields. */
export const REDACTED_PATHS: readonly string[] = [
  "authorization",
  "credential",
  "secret",
  "token",
  "enrollSecret",
  "adminToken",
  "password",
  "*.authorization",
  "*.credential",
  "*.secret",
  "*.token",
  "*.enrollSecret",
  "*.adminToken",
  "*.password",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
];

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "compliance-server" },
    redact: { paths: [...REDACTED_PATHS], censor: "[redacted]" },
    serializers: { err: serializeError },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** pg-pool hangs the failed client on its errors (`err.client`): its connection parameters do not belong in a log. */
function serializeError(error: Error): ReturnType<typeof stdSerializers.err> {
  const out = stdSerializers.err(error) as ReturnType<typeof stdSerializers.err> & { client?: unknown };
  delete out.client;
  return out;
}
