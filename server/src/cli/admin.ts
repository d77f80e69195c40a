// `compliance-server admin …`: the subcommands and what each asks for; running them is admin-run.ts.
import { type Command, Option } from "commander";
import { Role } from "@wegroup/shared";
import type { CliOptions } from "../config.js";

export type AdminTask =
  | { kind: "tokens-create"; role: Role; name: string; json: boolean }
  | { kind: "tokens-list"; json: boolean }
  | { kind: "tokens-revoke"; id: string }
  | { kind: "export"; device?: string | undefined; user?: string | undefined; out?: string | undefined }
  | { kind: "erase"; device?: string | undefined; user?: string | undefined; json: boolean }
  | { kind: "retention"; json: boolean }
  | { kind: "enroll-secret-rotate"; graceHours: string | undefined }
  | { kind: "admin-token-rotate" };

export type AdminRunner = (task: AdminTask, options: CliOptions) => Promise<void>;

/** Adds `admin` to the program; the program's own options (--db, --data-dir, --retention-days) apply before or after it. */
export function addAdminCommands(program: Command, run: AdminRunner): void {
  const admin = program
    .command("admin")
    .description('administer the database directly (the same --db/--data-dir as the server; acts are audited as "cli")');
  const go = (task: AdminTask, command: Command): Promise<void> => run(task, command.optsWithGlobals<CliOptions>());

  const tokens = admin.command("tokens").description("API tokens for the HTTP API and the dashboard");
  tokens
    .command("create")
    .description("create a token and print it (it is shown only this once; the server keeps its hash)")
    .addOption(new Option("--role <role>", "what the token may do").choices(Role.options).makeOptionMandatory())
    .requiredOption("--name <name>", "who or what uses it, e.g. soc-dashboard")
    .option("--json", "print {id, name, role, token} as JSON")
    .action((o: { role: Role; name: string; json?: boolean }, c: Command) =>
      go({ kind: "tokens-create", role: o.role, name: o.name, json: o.json === true }, c),
    );
  tokens
    .command("list")
    .description("list tokens (never the tokens themselves)")
    .option("--json", "print JSON")
    .action((o: { json?: boolean }, c: Command) => go({ kind: "tokens-list", json: o.json === true }, c));
  tokens
    .command("revoke")
    .description("revoke a token by its id (see tokens list)")
    .argument("<id>", "the token's id")
    .action((id: string, _o: unknown, c: Command) => go({ kind: "tokens-revoke", id }, c));

  admin
    .command("export")
    .description("everything held about one device or one user, as one JSON document (right of access and portability)")
    .option("--device <id>", "a device id")
    .option("--user <name>", "a user name as the checks report it")
    .option("--out <file>", "write to this file (mode 0600) instead of stdout")
    .action((o: { device?: string; user?: string; out?: string }, c: Command) =>
      go({ kind: "export", device: o.device, user: o.user, out: o.out }, c),
    );

  admin
    .command("erase")
    .description("erase a device (every row, its credential too) or a user (the name replaced by a pseudonym everywhere)")
    .option("--device <id>", "a device id")
    .option("--user <name>", "a user name as the checks report it")
    .option("--json", "print what was erased as JSON")
    .action((o: { device?: string; user?: string; json?: boolean }, c: Command) =>
      go({ kind: "erase", device: o.device, user: o.user, json: o.json === true }, c),
    );

  admin
    .command("enroll-secret")
    .description("the secret agents enroll with (enrolled agents never need it again)")
    .command("rotate")
    .description(
      "write a new enrollment secret (data dir file, mode 0600; every instance takes it); the old one stays valid for a grace period",
    )
    .option("--grace-hours <hours>", "how long the previous secret is still accepted (0: not at all; default 24)")
    .action((o: { graceHours?: string }, c: Command) => go({ kind: "enroll-secret-rotate", graceHours: o.graceHours }, c));

  admin
    .command("admin-token")
    .description("the data dir's admin token")
    .command("rotate")
    .description("replace the admin token at once, on every instance (data dir file, mode 0600); the old one stops working")
    .action((_o: unknown, c: Command) => go({ kind: "admin-token-rotate" }, c));

  admin
    .command("retention")
    .description("show the retention period and delete now what is older (the server also does this hourly)")
    .option("--json", "print JSON")
    .action((o: { json?: boolean }, c: Command) => go({ kind: "retention", json: o.json === true }, c));
}
