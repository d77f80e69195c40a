// The pino logger: JSON lines, secrets redacted by configuration rather than by care.
import { pino, type DestinationStream, type Logger } from "pino";
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
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
