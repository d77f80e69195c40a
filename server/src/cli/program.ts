// The command line: `compliance-server [options]` serves; subcommands (`admin …`) hang off the same program later.
import { Command, Option } from "commander";
import { type CliOptions, DEFAULT_DATA_DIR, DEFAULT_LISTEN, LOG_LEVELS } from "../config.js";

export interface ProgramActions {
  serve(options: CliOptions): Promise<void>;
}

export function buildProgram(actions: ProgramActions): Command {
  const program = new Command("compliance-server")
    .description("WeGroup endpoint compliance server: agent channel, violations, API and dashboard")
    .addOption(new Option("--listen <host:port>", `address to listen on (env COMPLIANCE_LISTEN; default ${DEFAULT_LISTEN})`))
    .addOption(new Option("--db <url>", "sqlite:<path> or postgres://… (env COMPLIANCE_DB; default sqlite:<data-dir>/compliance.db)"))
    .addOption(new Option("--data-dir <dir>", `data directory (env COMPLIANCE_DATA_DIR; default ${DEFAULT_DATA_DIR})`))
    .addOption(new Option("--tls-cert <file>", "serve HTTPS/WSS with this certificate (PEM; needs --tls-key)"))
    .addOption(new Option("--tls-key <file>", "private key of --tls-cert (PEM)"))
    .addOption(new Option("--log-level <level>", "log level (env COMPLIANCE_LOG_LEVEL; default info)").choices([...LOG_LEVELS]))
    .showHelpAfterError()
    .action(async (options: CliOptions) => actions.serve(options));
  return program;
}
