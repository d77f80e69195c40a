// The agent's structured log: pino JSON lines on stdout, secrets redacted by configuration.
import { pino, type Logger } from "pino";

export const REDACTED_PATHS = ["credential", "*.credential", "secret", "*.secret", "token", "*.token", "authorization", "*.authorization"];

export function createLogger(level: string = process.env.COMPLIANCE_LOG_LEVEL ?? "info"): Logger {
  return pino({ name: "compliance-agent", level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } });
}
