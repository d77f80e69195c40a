// The composition root of compliance-server: reads the configuration once, builds everything, serves until a signal.
import { AppError } from "@wegroup/shared";
import { runAdminTask } from "./cli/admin-run.js";
import { buildProgram } from "./cli/program.js";
import { type CliOptions, ConfigError, type Environment, parseConfig } from "./config.js";
import { boot } from "./server.js";

/** Runs the CLI; settles with the exit code once the server has stopped (or failed to start). */
export async function main(argv: readonly string[], env: Environment, cwd: string = process.cwd()): Promise<number> {
  let exitCode = 0;
  const program = buildProgram({
    serve: async (options: CliOptions) => {
      const config = parseConfig(options, env, cwd);
      // stdout carries the JSON log alone (one object a line, for jq and collectors); lines for a person go to stderr.
      const server = await boot(config, { out: (line) => process.stderr.write(`${line}\n`) });
      await new Promise<void>((resolve) => {
        const onSignal = (signal: NodeJS.Signals): void => {
          server.logger.info({ signal }, "signal received");
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
          server.stop().then(resolve, (error: unknown) => {
            server.logger.error({ err: error }, "unclean stop");
            exitCode = 1;
            resolve();
          });
        };
        process.on("SIGTERM", onSignal);
        process.on("SIGINT", onSignal);
      });
    },
    admin: async (task, options) => {
      const config = parseConfig(options, env, cwd);
      await runAdminTask(task, config, {
        out: (line) => process.stdout.write(`${line}\n`),
        note: (line) => process.stderr.write(`${line}\n`),
      });
    },
  });
  program.exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      // Commander has printed help or the usage error already.
      return code === "commander.helpDisplayed" || code === "commander.version" ? 0 : 2;
    }
    process.stderr.write(`compliance-server: ${describeStartError(error)}\n`);
    return 2;
  }
  return exitCode;
}

function describeStartError(error: unknown): string {
  if (error instanceof ConfigError || error instanceof AppError) return error.message;
  const e = error as NodeJS.ErrnoException;
  if (e.code === "EADDRINUSE") return `cannot listen: the address is in use (${e.message}); pick another with --listen`;
  if (e.code === "EACCES") return `permission denied: ${e.message}`;
  if (e.code === "ECONNREFUSED") return `cannot reach the database (${e.message}); check --db`;
  return error instanceof Error ? error.message : String(error);
}
