// The `compliance-agent` command line: parses arguments once and hands each subcommand what it needs.
// Each subcommand's module is imported when it runs: the service never loads what enroll, collect or status need.
import { Command, CommanderError } from "commander";
import { defaultStateDir, statePaths } from "../config.js";
import { AGENT_VERSION } from "../version.js";
import { reportCliError } from "./errors.js";
import { livePlatform } from "./machine.js";

export async function main(argv: readonly string[]): Promise<number> {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  const err = (text: string): void => void process.stderr.write(`${text}\n`);
  const now = (): Date => new Date();
  const paths = (dir: string | undefined) => statePaths(dir ?? defaultStateDir(livePlatform(), process.env));
  let exitCode = 0;

  const program = new Command("compliance-agent")
    .description("WeGroup endpoint compliance agent: screen lock, USB storage and software checks")
    .version(AGENT_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  program
    .command("enroll")
    .description("trade the enrollment secret for this device's own credential")
    .requiredOption("--server <url>", "the server's base URL, e.g. https://compliance.example:8443")
    .requiredOption("--secret <secret>", "the enrollment secret (the server's data dir holds it)")
    .option("--state-dir <dir>", "where the agent keeps its state")
    .option("--ca <file>", "PEM certificate of a private CA to trust for https/wss")
    .option("--replay <bundle>", "enroll the simulated device recorded in this bundle (demos and tests)")
    .action(async (o: { server: string; secret: string; stateDir?: string; ca?: string; replay?: string }) => {
      exitCode = await (await import("./enroll.js")).enrollCommand(o, paths(o.stateDir), out, now);
    });

  program
    .command("run")
    .description("run as the service: report to the server, apply pushed policies")
    .option("--state-dir <dir>", "where the agent keeps its state")
    .option("--replay <bundle>", "take every OS fact from this bundle (re-checks when the file changes)")
    .action(async (o: { stateDir?: string; replay?: string }) => {
      exitCode = await (await import("./run.js")).runCommand(o, paths(o.stateDir));
    });

  program
    .command("check")
    .description("run every check once, locally; exit 0 when nothing fails, 1 when any check fails, 2 on an error")
    .option("--json", "print one JSON object")
    .option("--policy <file>", "a policy document (default: the built-in WeGroup policy)")
    .option("--replay <bundle>", "take every OS fact from this bundle")
    .action(async (o: { json?: boolean; policy?: string; replay?: string }) => {
      exitCode = await (await import("./check.js")).checkCommand(o, out);
    });

  program
    .command("collect")
    .description("record every command output and file the checks read here into one support bundle")
    .requiredOption("--out <bundle>", "the bundle file to write")
    .action(async (o: { out: string }) => {
      exitCode = await (await import("./collect.js")).collectCommand(o, out, now);
    });

  program
    .command("sources")
    .description("list the commands and files each collector reads on a platform")
    .requiredOption("--platform <platform>", "linux, darwin or win32")
    .option("--json", "print JSON")
    .action(async (o: { platform: string; json?: boolean }) => {
      exitCode = await (await import("./sources.js")).sourcesCommand(o, out);
    });

  program
    .command("status")
    .description("what the service is doing: enrollment, connection, queue, policy, latest results")
    .option("--state-dir <dir>", "where the agent keeps its state")
    .option("--json", "print JSON")
    .action(async (o: { stateDir?: string; json?: boolean }) => {
      exitCode = await (await import("./status.js")).statusCommand(o, paths(o.stateDir), out, now);
    });

  try {
    await program.parseAsync(argv, { from: "node" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return reportCliError(error, err);
  }
  return exitCode;
}
