// Tells the person signed in on this laptop, once, when a violation opens here: decides (decide.ts), words it
// (fix-texts.ts), finds who is at the desktop and shows it with the OS's own notifications, through the runner.
import { readFile } from "node:fs/promises";
import { AgentCheckId, type CheckResult, type Platform, type Policy } from "@wegroup/shared";
import type { SourceSpec } from "../checks/types.js";
import type { Logger } from "pino";
import { z } from "zod";
import { scanSessions } from "../checks/screen-lock/collect.linux.sessions.js";
import { parseStatOwner } from "../platform/darwin/stat.js";
import { NotRecordedError, type CommandRunner } from "../runner/runner.js";
import { writeFileAtomically } from "../state/files.js";
import { type Notice, notificationArgv, type Recipient } from "./commands.js";
import {
  DEFAULT_NOTIFY_LIMITS,
  decideNotifications,
  type Due,
  EMPTY_NOTIFY_STATE,
  type NotifyLimits,
  type NotifyState,
  violationKey,
} from "./decide.js";
import { fixText } from "./fix-texts.js";

/** What `status` shows of the notifications given lately. */
export const ShownNotification = z.object({
  at: z.string(),
  check: AgentCheckId,
  subject: z.string(),
  text: z.string(),
  /** Whom it was shown to (user names on this laptop), or why it was not. */
  shownTo: z.array(z.string()),
  problem: z.string().optional(),
});
export type ShownNotification = z.infer<typeof ShownNotification>;

const StoredState = z.object({ notified: z.array(z.string()), shownAt: z.array(z.number()) });

/** What `sources` lists: the command that shows a notification, per OS, with the recipient and text as placeholders. */
export const NOTIFICATION_SOURCES: Readonly<Record<Platform, readonly SourceSpec[]>> = {
  linux: [
    {
      kind: "command",
      argv: notificationArgv("linux", { title: "{title}", body: "{body}" }, { user: "{user}", uid: -1 }).map((a) =>
        a.replace("-1", "{uid}"),
      ),
      what: "shows a new violation to each desktop user (exit 0 = shown)",
      optional: true,
      perUser: true,
    },
  ],
  darwin: [
    { kind: "command", argv: ["stat", "-f", "%Su %u", "/dev/console"], what: "who is at the desktop, to notify", optional: true },
    {
      kind: "command",
      argv: notificationArgv("darwin", { title: "{title}", body: "{body}" }, { user: "{user}", uid: -1 }).map((a) =>
        a.replace("-1", "{uid}"),
      ),
      what: "shows a new violation to the console user (exit 0 = shown)",
      optional: true,
      perUser: true,
    },
  ],
  win32: [
    {
      kind: "command",
      argv: ["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand", "{script}"],
      what: "shows a new violation as a toast in the interactive session ({script}: the encoded script, see agent/src/notify/commands.ts)",
      optional: true,
    },
  ],
};

export const NOTICE_TITLE = "WeGroup security policy: action needed";
/** Owners of the macOS console that mean nobody is at the desktop. */
const NOT_A_PERSON = new Set(["root", "_mbsetupuser", "loginwindow"]);
const KEEP_RECENT = 20;

export interface NotifierDeps {
  runner: CommandRunner;
  /** Where what was told is remembered across restarts (mode 0600). */
  statePath: string;
  logger: Logger;
  clock: () => Date;
  limits?: NotifyLimits;
}

export class ViolationNotifier {
  #state: NotifyState = EMPTY_NOTIFY_STATE;
  readonly #recent: ShownNotification[] = [];
  #queue: Promise<void> = Promise.resolve();

  private constructor(private readonly deps: NotifierDeps) {}

  static async open(deps: NotifierDeps): Promise<ViolationNotifier> {
    const notifier = new ViolationNotifier(deps);
    try {
      const parsed = StoredState.safeParse(JSON.parse(await readFile(deps.statePath, "utf8")));
      if (parsed.success) notifier.#state = parsed.data;
      else
        deps.logger.warn(
          { file: deps.statePath },
          "notification state is damaged; starting afresh (open violations may be told about once more)",
        );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        deps.logger.warn({ file: deps.statePath, err: (error as Error).message }, "cannot read the notification state; starting afresh");
    }
    return notifier;
  }

  /** The latest notifications, newest last. */
  get recent(): ShownNotification[] {
    return [...this.#recent];
  }

  /** After a check run: tells about what opened since. Serialised; never throws (a notification is not worth failing a check run for). */
  afterChecks(results: readonly CheckResult[], policy: Policy): Promise<void> {
    this.#queue = this.#queue
      .then(() => this.#afterChecks(results, policy))
      .catch((error: unknown) => this.deps.logger.warn({ err: (error as Error).message }, "could not notify the user"));
    return this.#queue;
  }

  async #afterChecks(results: readonly CheckResult[], policy: Policy): Promise<void> {
    const now = this.deps.clock();
    const step = decideNotifications(
      this.#state,
      results,
      now.getTime(),
      this.deps.limits ?? DEFAULT_NOTIFY_LIMITS,
      policy.notifyUser !== false,
    );
    this.#state = step.state;
    if (step.due.length > 0) {
      const recipients = await this.#recipients();
      if (recipients.kind === "nobody") {
        // Nobody to tell now: they wait for the next run that finds someone at the desktop.
        this.deps.logger.info(
          { reason: recipients.reason, waiting: step.due.length },
          "a violation opened but nobody is at the desktop to tell",
        );
        const unshown = new Set(step.due.map((d) => violationKey(d.check, d.violation.subject)));
        this.#state = {
          notified: this.#state.notified.filter((k) => !unshown.has(k)),
          shownAt: this.#state.shownAt.slice(0, this.#state.shownAt.length - step.due.length),
        };
      } else {
        for (const due of step.due) await this.#show(due, policy, recipients.to, now);
      }
    }
    await writeFileAtomically(this.deps.statePath, `${JSON.stringify(this.#state)}\n`, 0o600);
  }

  async #show(due: Due, policy: Policy, to: readonly (Recipient | undefined)[], now: Date): Promise<void> {
    const notice: Notice = { title: NOTICE_TITLE, body: fixText(due.check, due.violation, this.deps.runner.platform, policy) };
    const shownTo: string[] = [];
    const problems: string[] = [];
    for (const recipient of to) {
      const argv = notificationArgv(this.deps.runner.platform, notice, recipient);
      const who = recipient?.user ?? "the signed-in user";
      try {
        const out = await this.deps.runner.run(argv, { timeoutMs: 20_000 });
        if (out.exitCode === 0) shownTo.push(who);
        else problems.push(`${argv[0]} exited ${out.exitCode}: ${out.stderr.toString("utf8").split("\n")[0] ?? ""}`.trim());
      } catch (error) {
        problems.push(error instanceof NotRecordedError ? `replay: ${argv[0]} not recorded` : (error as Error).message);
      }
    }
    const record: ShownNotification = {
      at: now.toISOString(),
      check: due.check,
      subject: due.violation.subject,
      text: notice.body,
      shownTo,
      ...(problems.length > 0 ? { problem: problems.join("; ") } : {}),
    };
    this.#recent.push(record);
    if (this.#recent.length > KEEP_RECENT) this.#recent.shift();
    if (shownTo.length > 0)
      this.deps.logger.info({ check: due.check, subject: due.violation.subject, shownTo }, "told the user about a new violation");
    else
      this.deps.logger.warn(
        { check: due.check, subject: due.violation.subject, problem: record.problem },
        "could not show the user a notification",
      );
  }

  /** Who is at a desktop: Linux logind's desktop sessions, the macOS console owner; Windows shows it to every interactive session. */
  async #recipients(): Promise<{ kind: "some"; to: (Recipient | undefined)[] } | { kind: "nobody"; reason: string }> {
    const runner = this.deps.runner;
    switch (runner.platform) {
      case "win32":
        return { kind: "some", to: [undefined] };
      case "linux": {
        const scan = await scanSessions(runner);
        if (scan.kind !== "sessions" || scan.sessions.length === 0)
          return { kind: "nobody", reason: scan.kind === "none" ? scan.reason : "no desktop session" };
        return { kind: "some", to: scan.sessions.map((s) => ({ user: s.user, uid: s.uid })) };
      }
      case "darwin": {
        const argv = ["stat", "-f", "%Su %u", "/dev/console"];
        const out = await runner.run(argv);
        if (out.exitCode !== 0) return { kind: "nobody", reason: `${argv.join(" ")} exited ${out.exitCode}` };
        const owner = parseStatOwner(out.stdout.toString("utf8"), argv.join(" "));
        if (owner.uid === undefined || NOT_A_PERSON.has(owner.user))
          return { kind: "nobody", reason: `the console belongs to ${owner.user} (nobody signed in)` };
        return { kind: "some", to: [{ user: owner.user, uid: owner.uid }] };
      }
    }
  }
}
