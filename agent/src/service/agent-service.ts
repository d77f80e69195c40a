// The agent service: runs the checks, reports changes through the durable outbox, applies pushed policies. Thin:
// the decisions are in decisions.ts (and delivery.ts, full-state.ts, policy-order.ts); the channel and the timers are injected.
import {
  type AgentCheckId,
  type CheckResult,
  fitForReport,
  type DeviceFacts,
  type DeviceInfo,
  type EnforcementAction,
  type GoodbyeReason,
  type HelloFrame,
  type Policy,
  PROTOCOL_VERSION,
  type ReportFrame,
  type ServerFrame,
  uuidv7,
} from "@wegroup/shared";
import type { Logger } from "pino";
import { runChecksEnforcing } from "../checks/engine.js";
import { answerPreview } from "./preview-answer.js";
import type { CheckDefinition } from "../checks/types.js";
import type { StatePaths } from "../config.js";
import type { CommandRunner } from "../runner/runner.js";
import type { DeviceKey } from "../state/device-key.js";
import type { Enrollment } from "../state/enrollment.js";
import { AGENT_VERSION } from "../version.js";
import type { Channel, OpenChannel, Scheduler } from "./channel.js";
import {
  afterCheckRun,
  type CheckRequest,
  enforceNow,
  type Latest,
  onInvalidFrame,
  onPolicyValid,
  onWelcome,
  RECHECK_AFTER_ENFORCEMENT_MS,
  requestChecks,
} from "./decisions.js";
import { checksToResend } from "./full-state.js";
import { alive, ended, newRun, previousRunOf, resumed, type RunRecord } from "./presence.js";
import { Outbox } from "./outbox.js";
import { loadCachedPolicy, saveCachedPolicy } from "./policy-cache.js";
import { IDLE, onPolicyDone, onPolicyFrame, type PolicyQueue } from "./policy-order.js";
import { ReportDelivery } from "./report-delivery.js";
import type { ViolationNotifier } from "../notify/notifier.js";
import { violationDetails } from "../notify/fix-texts.js";
import { type ServiceStatus, writeServiceStatus } from "./status.js";

export interface AgentServiceDeps {
  paths: StatePaths;
  enrollment: Enrollment;
  /** Signs every hello; a device enrolled before keys also offers its public half, which the server binds on first use. */
  deviceKey: DeviceKey;
  runner: CommandRunner;
  device: DeviceInfo;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checks of different fact types
  checks: readonly CheckDefinition<any>[];
  logger: Logger;
  clock: () => Date;
  random: () => number;
  mode: "live" | "replay";
  /** The channel to the server (a Connection to the enrollment's server URL). */
  openChannel: OpenChannel;
  scheduler: Scheduler;
  outboxMaxReports?: number;
  /** The OS boot this run runs in (undefined: unreadable); every hello says it. */
  bootId: string | undefined;
  /** The record the previous run left (undefined on a first run); every hello of this run says how it ended. */
  previousRun: RunRecord | undefined;
  /** Writes this run's record: on start, each heartbeat period (cheaply) and at its goodbye (`durable`). */
  saveRun: (record: RunRecord, durable: boolean) => Promise<void>;
  /** Model, serial and OS release for the asset list, sent in the hello. */
  deviceFacts?: DeviceFacts;
  /** Tells the person at the laptop when a violation opens (absent: nobody is told). */
  notifier?: ViolationNotifier;
}

export class AgentService {
  private policy!: Policy;
  private outbox!: Outbox;
  private connection!: Channel;
  private delivery!: ReportDelivery;
  private policyQueue: PolicyQueue = IDLE;
  private latest: ReadonlyMap<AgentCheckId, Latest> = new Map();
  private readonly startedAt: Date;
  private connectedSince: Date | null = null;
  private connectionDetail: string | undefined;
  private lastReport: ServiceStatus["lastReport"] = null;
  private stopHeartbeat: (() => void) | undefined;
  private stopAliveTick: (() => void) | undefined;
  private run!: RunRecord;
  private runWrite: Promise<void> = Promise.resolve();
  /** Said goodbye for a sleep: the channel is closed until resume. */
  private sleeping = false;
  private cycle: Promise<void> = Promise.resolve();
  /** The run waiting behind the current one; requests that arrive meanwhile merge into it. */
  private waiting: CheckRequest | undefined;
  /** The server's welcome named another policy version: the full state waits for its policy frame. */
  private awaitingPolicy = false;
  private statusWrite: Promise<void> = Promise.resolve();
  private stopping = false;
  private lastEnforced: ReadonlyMap<string, number> = new Map();

  constructor(private readonly deps: AgentServiceDeps) {
    this.startedAt = deps.clock();
  }

  get currentPolicy(): Policy {
    return this.policy;
  }

  async start(): Promise<void> {
    const { deps } = this;
    this.run = newRun(deps.bootId, deps.clock());
    await deps.saveRun(this.run, true);
    this.policy = await loadCachedPolicy(deps.paths.policy, deps.logger);
    this.outbox = await Outbox.open({ dir: deps.paths.outbox, maxReports: deps.outboxMaxReports ?? 1_000, logger: deps.logger });
    this.connection = deps.openChannel((nonce) => this.hello(nonce));
    this.delivery = new ReportDelivery({
      queued: () => this.outbox.pending().map((r) => r.id),
      send: (id) => {
        const report = this.outbox.get(id);
        if (report !== undefined) this.sendReport(report);
      },
      forget: (id, why) => this.forget(id, why),
      // Held back while the server's policy is on its way: the full state is judged under it once applied.
      fullState: () => (this.latest.size > 0 && !this.awaitingPolicy ? this.enqueueFullState() : Promise.resolve()),
      now: () => deps.clock().getTime(),
      random: deps.random,
      logger: deps.logger,
    });
    this.connection.on("state", (state, detail) => {
      deps.logger.info(
        { state, detail, server: deps.enrollment.serverUrl },
        `connection ${state}${detail !== undefined ? `: ${detail}` : ""}`,
      );
      if (state === "connecting") this.delivery.connected();
      else if (state !== "connected") this.delivery.disconnected();
      if (state !== "connected") this.connectedSince = null;
      this.connectionDetail = detail;
      this.writeStatus();
    });
    this.connection.on(
      "frame",
      (frame) =>
        void this.onFrame(frame).catch((error: unknown) =>
          deps.logger.error({ err: (error as Error).message }, "handling a server frame failed"),
        ),
    );
    this.connection.on("invalid", (detail, raw) => this.onInvalidFrame(detail, raw));
    deps.logger.info({ policyVersion: this.policy.version, queued: this.outbox.size, mode: deps.mode }, "agent service starting");
    await this.runChecks("all", "service start");
    this.startAliveTick();
    this.connection.start();
  }

  /** The first frame of every connection: who this is, what it runs, and (when the server sent a nonce) the proof. */
  private hello(nonce: string | undefined): HelloFrame {
    const { deps } = this;
    return {
      type: "hello",
      protocol: PROTOCOL_VERSION,
      deviceId: deps.enrollment.deviceId,
      credential: deps.enrollment.credential,
      agentVersion: AGENT_VERSION,
      policyVersion: this.policy.version,
      device: deps.device,
      ...(deps.deviceFacts === undefined ? {} : { facts: deps.deviceFacts }),
      ...(nonce === undefined ? {} : { signature: deps.deviceKey.signHello(nonce, deps.enrollment.deviceId) }),
      ...(deps.enrollment.publicKey === undefined ? { publicKey: deps.deviceKey.publicKey } : {}),
      ...(deps.bootId === undefined ? {} : { bootId: deps.bootId }),
      runStartedAt: this.run.startedAt,
      ...(deps.previousRun === undefined ? {} : { previousRun: previousRunOf(deps.previousRun) }),
    };
  }

  /**
   * Requests a check run; runs are serialised, and requests that arrive meanwhile are merged into one more run.
   * `full`: report every result of the run, changed or not (the policy changed, so the server needs them all again).
   */
  requestChecks(checks: readonly AgentCheckId[] | "all", why: string, full = false): Promise<void> {
    const ids = checks === "all" ? this.deps.checks.map((c) => c.id) : checks;
    const step = requestChecks(this.waiting, ids, full);
    this.waiting = step.waiting;
    if (step.merged) return this.cycle;
    this.cycle = this.cycle.then(async () => {
      const run = this.waiting;
      this.waiting = undefined;
      if (run !== undefined && !this.stopping) await this.runChecks([...run.checks], why, run.full);
    });
    return this.cycle;
  }

  /** Stops for good: the goodbye says why (see presence.ts for how the reason is decided), and the run record keeps it. */
  async stop(reason: GoodbyeReason = "service-stop"): Promise<void> {
    this.stopping = true;
    this.stopHeartbeat?.();
    this.stopAliveTick?.();
    await this.cycle.catch(() => undefined);
    this.saveRun(ended(this.run, reason, this.deps.clock()), true);
    await this.connection.stop({ type: "goodbye", reason });
    await this.runWrite;
    this.writeStatus();
    await this.statusWrite;
    this.deps.logger.info({ queued: this.outbox.size }, "agent service stopped");
  }

  /** The OS goes to sleep: say so, and close the channel until `resume` (the process itself may be frozen meanwhile). */
  async suspend(): Promise<void> {
    if (this.sleeping || this.stopping) return;
    this.sleeping = true;
    this.stopHeartbeat?.();
    this.stopHeartbeat = undefined;
    this.saveRun(ended(this.run, "system-sleep", this.deps.clock()), true);
    await this.connection.stop({ type: "goodbye", reason: "system-sleep" });
    await this.runWrite;
    this.deps.logger.info("the OS goes to sleep: said goodbye, channel closed until it wakes");
  }

  /** Awake again: the run goes on (the same run: the server judges nothing), and the channel reconnects now. */
  resume(): void {
    if (!this.sleeping || this.stopping) return;
    this.sleeping = false;
    this.saveRun(resumed(this.run, this.deps.clock()), false);
    this.deps.logger.info("the OS woke up: reconnecting");
    this.connection.start();
  }

  /** Run-record writes are serialised and never block the service. */
  private saveRun(record: RunRecord, durable: boolean): void {
    this.run = record;
    this.runWrite = this.runWrite
      .then(() => this.deps.saveRun(record, durable))
      .catch((error: unknown) => this.deps.logger.warn({ err: (error as Error).message }, "cannot write the run record"));
  }

  /** The run record says the agent is alive, once per heartbeat period, connected or not. */
  private startAliveTick(): void {
    this.stopAliveTick?.();
    this.stopAliveTick = this.deps.scheduler.every(this.policy.heartbeatSeconds * 1000, () => {
      if (!this.sleeping) this.saveRun(alive(this.run, this.deps.clock()), false);
    });
  }

  private async runChecks(checks: readonly AgentCheckId[] | "all", why: string, reportAll = false): Promise<void> {
    const definitions = checks === "all" ? this.deps.checks : this.deps.checks.filter((c) => checks.includes(c.id));
    const started = performance.now();
    const outcomes = await runChecksEnforcing(definitions, this.deps.runner, this.policy, (check, subject) =>
      this.shouldEnforce(check, subject),
    );
    const observedAt = this.deps.clock();
    const step = afterCheckRun(this.latest, outcomes, observedAt, reportAll);
    this.latest = step.latest;
    const { enforcement, recheck, report: changed } = step;
    if (enforcement.length > 0) {
      for (const a of enforcement)
        this.deps.logger.warn({ subject: a.subject, ok: a.ok, detail: a.detail }, `enforcement: ${a.action} ${a.ok ? "done" : "failed"}`);
    }
    if (recheck.length > 0) {
      // Confirm the device is gone (or still there) with a fresh look shortly after.
      this.deps.scheduler.after(RECHECK_AFTER_ENFORCEMENT_MS, () => {
        void this.requestChecks(recheck, "after enforcement").catch((error: unknown) =>
          this.deps.logger.error({ err: (error as Error).message }, "a check run failed"),
        );
      });
    }
    this.deps.logger.debug(
      { why, checks: definitions.map((d) => d.id), changed: changed.map((c) => c.check), ms: Math.round(performance.now() - started) },
      "checks ran",
    );
    if (changed.length > 0) {
      this.deps.logger.info({ why, changed: changed.map((c) => `${c.check}=${c.status}`) }, "check results changed; reporting");
      await this.enqueue(changed, observedAt, enforcement);
    }
    // Not awaited: showing a notification must not hold up the next check run or the reports.
    void this.deps.notifier
      ?.afterChecks(
        [...this.latest.values()].map((l) => l.result),
        this.policy,
      )
      .then(() => this.writeStatus());
    this.writeStatus();
  }

  /** One enforcement attempt per device per few minutes: a device that resists is reported, not hammered. */
  private shouldEnforce(check: AgentCheckId, subject: string): boolean {
    const step = enforceNow(this.lastEnforced, check, subject, this.deps.clock().getTime());
    this.lastEnforced = step.last;
    return step.act;
  }

  private async enqueue(results: CheckResult[], observedAt: Date, enforcement: EnforcementAction[] = []): Promise<void> {
    const report: ReportFrame = {
      type: "report",
      id: uuidv7(this.deps.clock().getTime()),
      observedAt: observedAt.toISOString(),
      policyVersion: this.policy.version,
      // What the server can store: storable text, and no more violations than a report may list.
      results: fitForReport(results),
      ...(enforcement.length > 0 ? { enforcement: enforcement.slice(0, 100) } : {}),
    };
    await this.outbox.put(report);
    this.deps.logger.info({ report: report.id, checks: results.map((r) => r.check), queued: this.outbox.size }, "report queued");
    this.lastReport = { id: report.id, observedAt: report.observedAt, sentAt: null, ackedAt: null };
    await this.delivery.queued(report.id);
  }

  private sendReport(report: ReportFrame): void {
    if (this.connection.send(report) && this.lastReport?.id === report.id) this.lastReport.sentAt = this.deps.clock().toISOString();
  }

  private async onFrame(frame: ServerFrame): Promise<void> {
    switch (frame.type) {
      case "welcome": {
        this.connection.accepted();
        // What is queued goes out once per connection (oldest first; the server stores each id once, and applies only what
        // the policy it sent judged), then the full state: now, or once the server's policy, which follows at once, is
        // applied. A repeated welcome changes nothing.
        const step = onWelcome(this.connectedSince !== null, !this.delivery.isWelcomed(), this.policy.version, frame.policyVersion);
        if (step.startHeartbeat) {
          this.connectedSince = this.deps.clock();
          this.startHeartbeat();
        }
        if (step.awaitingPolicy !== undefined) {
          this.awaitingPolicy = step.awaitingPolicy;
          if (this.awaitingPolicy)
            this.deps.logger.info(
              { ours: this.policy.version, server: frame.policyVersion },
              "the server runs another policy: the full state waits for it",
            );
        }
        await this.delivery.welcome();
        break;
      }
      case "ack":
        this.connection.proven();
        await this.delivery.ack(frame.id);
        break;
      case "policy":
        this.receivePolicy(frame.policy);
        break;
      case "preview":
        // Judged aside (nothing applied or stored); a failure only costs the server this device's answer.
        void answerPreview(frame, {
          checks: this.deps.checks,
          runner: this.deps.runner,
          current: () => this.latest,
          send: (f) => this.connection.send(f),
        }).catch((error: unknown) => this.deps.logger.warn({ err: (error as Error).message }, "could not preview a candidate policy"));
        break;
      case "error":
        await this.delivery.refused(frame);
        break;
    }
  }

  /** Acknowledged (durably stored by the server) or refused for good: it leaves the outbox. */
  private async forget(id: string, why: "acknowledged" | "refused"): Promise<void> {
    if (!(await this.outbox.acknowledge(id))) return;
    if (why === "acknowledged" && this.lastReport?.id === id) this.lastReport.ackedAt = this.deps.clock().toISOString();
    this.writeStatus();
  }

  private async enqueueFullState(): Promise<void> {
    const all = [...this.latest.values()];
    if (all.length === 0) return;
    const observedAt = new Date(Math.max(...all.map((l) => l.observedAt.getTime())));
    const wanted = new Set(checksToResend([...this.latest.keys()], this.outbox.pending(), this.policy.version));
    const missing = all.filter((l) => wanted.has(l.result.check)).map((l) => l.result);
    if (missing.length > 0) await this.enqueue(missing, observedAt);
  }

  /** Pushed policies are applied one at a time, in order; of a burst, the newest waits and goes next. */
  private receivePolicy(policy: Policy): void {
    const step = onPolicyFrame(this.policyQueue, policy);
    this.policyQueue = step.queue;
    if (step.apply !== undefined) void this.runPolicy(step.apply);
  }

  private async runPolicy(policy: Policy): Promise<void> {
    for (let next: Policy | undefined = policy; next !== undefined;) {
      try {
        await this.applyPolicy(next);
      } catch (error) {
        this.deps.logger.error(
          { err: (error as Error).message, policyVersion: next.version },
          "applying a pushed policy failed; keeping the previous one",
        );
      }
      const step = onPolicyDone(this.policyQueue);
      this.policyQueue = step.queue;
      next = step.apply;
    }
  }

  private async applyPolicy(policy: Policy): Promise<void> {
    const previous = this.policy.version;
    const step = onPolicyValid(previous, policy.version, this.awaitingPolicy);
    this.awaitingPolicy = false;
    if (step.adopt) {
      await saveCachedPolicy(this.deps.paths.policy, policy);
      this.policy = policy;
      this.restartHeartbeat();
      if (this.stopAliveTick !== undefined) this.startAliveTick();
      this.deps.logger.info({ from: previous, to: policy.version }, "applied a new policy from the server");
    }
    this.connection.send({ type: "policy-applied", version: policy.version });
    // Judged again under the new policy and reported in full (the server disregards what an older policy judged).
    // Not awaited: the next pushed policy need not wait for a check run.
    const failed = (error: unknown) => this.deps.logger.error({ err: (error as Error).message }, "a check run failed");
    if (step.then === "recheck-all") void this.requestChecks("all", `policy version ${policy.version}`, true).catch(failed);
    else if (step.then === "full-state") void this.enqueueFullState().catch(failed);
  }

  private onInvalidFrame(detail: string, raw: unknown): void {
    const step = onInvalidFrame(detail, raw, this.awaitingPolicy);
    if (step.kind === "ignore") {
      this.deps.logger.warn({ detail, type: step.type }, "ignored a server frame that does not validate");
      return;
    }
    this.deps.logger.error(
      { detail: step.detail },
      `refused a pushed policy that does not validate; keeping version ${this.policy.version}`,
    );
    this.connection.send(step.error);
    // No other policy is coming: the full state the welcome held back goes out under the one in force.
    if (step.sendHeldFullState) {
      this.awaitingPolicy = false;
      void this.enqueueFullState().catch((err: unknown) =>
        this.deps.logger.error({ err: (err as Error).message }, "queueing the full state failed"),
      );
    }
  }

  private startHeartbeat(): void {
    this.stopHeartbeat?.();
    this.stopHeartbeat = this.deps.scheduler.every(this.policy.heartbeatSeconds * 1000, () => {
      this.connection.send({ type: "heartbeat", policyVersion: this.policy.version });
    });
  }

  private restartHeartbeat(): void {
    if (this.stopHeartbeat !== undefined) this.startHeartbeat();
  }

  /** Status writes are serialised and never block the service. */
  private writeStatus(): void {
    const status = this.snapshot();
    this.statusWrite = this.statusWrite
      .then(() => writeServiceStatus(this.deps.paths.status, status))
      .catch((error: unknown) => this.deps.logger.warn({ err: (error as Error).message }, "cannot write the status file"));
  }

  snapshot(): ServiceStatus {
    const status: ServiceStatus = {
      pid: process.pid,
      startedAt: this.startedAt.toISOString(),
      updatedAt: this.deps.clock().toISOString(),
      mode: this.deps.mode,
      serverUrl: this.deps.enrollment.serverUrl,
      deviceId: this.deps.enrollment.deviceId,
      connection: this.connection?.state ?? "waiting",
      ...(this.connectionDetail !== undefined ? { connectionDetail: this.connectionDetail } : {}),
      connectedSince: this.connectedSince?.toISOString() ?? null,
      lastReport: this.lastReport === null ? null : { ...this.lastReport },
      queuedReports: this.outbox?.size ?? 0,
      policyVersion: this.policy?.version ?? 0,
      results: [...this.latest.values()].map(({ result, observedAt }) => ({
        check: result.check,
        status: result.status,
        violations: result.violations.length,
        ...(result.reason !== undefined ? { reason: result.reason } : {}),
        observedAt: observedAt.toISOString(),
        ...(result.violations.length > 0 && this.policy !== undefined
          ? { details: violationDetails(result, this.deps.runner.platform, this.policy) }
          : {}),
      })),
      ...(this.deps.notifier !== undefined ? { notifications: this.deps.notifier.recent } : {}),
    };
    return status;
  }
}
