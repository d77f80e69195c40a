// How the agent's CLI reports an error a person must act on: one line, the catalogue's exit code.
import { AppError, ERROR_TRANSPORT, type ErrorCode } from "@wegroup/shared";

export class CliError extends AppError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = "CliError";
  }
}

/** Prints the error for a person and returns the exit code to use. */
export function reportCliError(error: unknown, write: (line: string) => void): number {
  if (error instanceof AppError) {
    write(`compliance-agent: ${error.message}`);
    return ERROR_TRANSPORT[error.code].exit;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`compliance-agent: unexpected error: ${message}`);
  return ERROR_TRANSPORT.internal.exit;
}
