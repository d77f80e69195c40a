// The command line: `compliance-server [options]` serves; `admin …` subcommands work on the same database.
import { Command, Option } from "commander";
import { type CliOptions, DEFAULT_DATA_DIR, DEFAULT_LISTEN, DEFAULT_RETENTION_DAYS, LOG_LEVELS, OPERATOR_LIMITS } from "../config.js";
import { type AdminRunner, addAdminCommands } from "./admin.js";

export interface ProgramActions {
  serve(options: CliOptions): Promise<void>;
  admin: AdminRunner;
}

export function buildProgram(actions: ProgramActions): Command {
  const program = new Command("compliance-server")
    .description("WeGroup endpoint compliance server: agent channel, violations, API and dashboard")
    .addOption(new Option("--listen <host:port>", `address to listen on (env COMPLIANCE_LISTEN; default ${DEFAULT_LISTEN})`))
    .addOption(new Option("--db <url>", "sqlite:<path> or postgres://… (env COMPLIANCE_DB; default sqlite:<data-dir>/compliance.db)"))
    .addOption(new Option("--data-dir <dir>", `data directory (env COMPLIANCE_DATA_DIR; default ${DEFAULT_DATA_DIR})`))
    .addOption(new Option("--tls-cert <file>", "serve HTTPS/WSS with this certificate (PEM; needs --tls-key)"))
    .addOption(new Option("--tls-key <file>", "private key of --tls-cert (PEM)"))
    .addOption(
      new Option(
        "--allow-insecure-http",
        "serve plain HTTP on a non-loopback address (only behind a TLS-terminating proxy; env COMPLIANCE_ALLOW_INSECURE_HTTP=1)",
      ),
    )
    .addOption(
      new Option(
        "--metrics-public",
        "serve GET /metrics without a token, for a Prometheus scraper on a trusted network (env COMPLIANCE_METRICS_PUBLIC=1)",
      ),
    )
    .addOption(
      new Option(
        "--trust-proxy <addresses>",
        "believe X-Forwarded-For from these load balancers (comma-separated addresses or CIDR ranges; env COMPLIANCE_TRUST_PROXY): the enrollment limit then counts each laptop, not the balancer",
      ),
    )
    .addOption(
      new Option(
        "--limit <name=value>",
        `set a limit (repeatable; env COMPLIANCE_LIMITS="a=1,b=2"): ${OPERATOR_LIMITS.join(", ")}`,
      ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    )
    .addOption(new Option("--log-level <level>", "log level (env COMPLIANCE_LOG_LEVEL; default info)").choices([...LOG_LEVELS]))
    .addOption(
      new Option(
        "--retention-days <days>",
        `delete reports, resolved violations, events and audit entries older than this (env COMPLIANCE_RETENTION_DAYS; default ${DEFAULT_RETENTION_DAYS})`,
      ),
    )
    .showHelpAfterError()
    .action(async (options: CliOptions) => actions.serve(options));
  // Before the subcommands are made, so that they inherit it: a usage error then ends with exit code 2, not 1.
  program.exitOverride();
  addAdminCommands(program, actions.admin);
  return program;
}
