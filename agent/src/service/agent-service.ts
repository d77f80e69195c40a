// The agent service: runs the checks, reports changes through the durable outbox, applies pushed policies.
import {
  type AgentCheckId,
  type CheckResult,
  describeZodError,
  type DeviceInfo,
  type EnforcementAction,
  type ErrorFrame,
  Policy,
  PROTOCOL_VERSION,
  type ReportFrame,
  type ServerFrame,
  uuidv7,
} from "@wegroup/shared";
import type { Logger } from "pino";
import { runChecksEnforcing } from "../checks/engine.js";
import type { CheckDefinition } from "../checks/types.js";
import type { StatePaths } from "../config.js";
import type { CommandRunner } from "../runner/runner.js";
import type { Enrollment } from "../state/enrollment.js";
import { agentChannelUrl } from "../state/enrollment.js";
import { AGENT_VERSION } from "../version.js";
import { Connection } from "./connection.js";
import { afterWelcome, checksToResend } from "./full-state.js";
import { Outbox } from "./outbox.js";
import { loadCachedPolicy, saveCachedPolicy } from "./policy-cache.js";
import { type ServiceStatus, writeServiceStatus } from "./status.js";

const ENFORCE_RETRY_MS = 5 * 60_000;

export interface AgentServiceDeps {
  paths: StatePaths;
  enrollment: Enrollment;
  runner: CommandRunner;
  device: DeviceInfo;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checks of different fact types
  checks: readonly CheckDefinition<any>[];
  logger: Logger;
  clock: () => Date;
  random: () => number;
  mode: "live" | "replay";
  ca?: Buffer;
  outboxMaxReports?: number;
}

export class AgentService {
  private policy!: Policy;
  private outbox!: Outbox;
  private connection!: Connection;
  private readonly latest = new Map<AgentCheckId, { result: CheckResult; observedAt: Date; key: string }>();
  private readonly startedAt: Date;
  private connectedSince: Date | null = null;
  private connectionDetail: string | undefined;
  private lastReport: ServiceStatus["lastReport"] = null;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private cycle: Promise<void> = Promise.resolve();
  private pendingChecks: Set<AgentCheckId> | undefined;
  /** The merged request wants every result reported, changed or not (after a new policy). */
  private pendingFull = false;
  /** The server's welcome named another policy version: the full state waits for its policy frame. */
  private awaitingPolicy = false;
  private statusWrite: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly lastEnforced = new Map<string, number>();

  constructor(private readonly deps: AgentServiceDeps) {
    this.startedAt = deps.clock();
  }

  get currentPolicy(): Policy {
    return this.policy;
  }

  async start(): Promise<void> {
    const { deps } = this;
    this.policy = await loadCachedPolicy(deps.paths.policy, deps.logger);
    this.outbox = await Outbox.open({ dir: deps.paths.outbox, maxReports: deps.outboxMaxReports ?? 1_000, logger: deps.logger });
    this.connection = new Connection({
      url: agentChannelUrl(deps.enrollment.serverUrl),
      ...(deps.ca !== undefined ? { ca: deps.ca } : {}),
      hello: () => ({
        type: "hello",
        protocol: PROTOCOL_VERSION,
        deviceId: deps.enrollment.deviceId,
        credential: deps.enrollment.credential,
        agentVersion: AGENT_VERSION,
        policyVersion: this.policy.version,
        device: deps.device,
      }),
      logger: deps.logger,
      backoff: { baseMs: 1_000, capMs: 60_000 },
      random: deps.random,
    });
    this.connection.on("state", (state, detail) => {
      deps.logger.info({ state, detail, server: deps.enrollment.serverUrl }, `connection ${state}${detail !== undefined ? `: ${detail}` : ""}`);
      if (state !== "connected") this.connectedSince = null;
      this.connectionDetail = detail;
      this.writeStatus();
    });
    this.connection.on("frame", (frame) => void this.onFrame(frame).catch((error: unknown) => deps.logger.error({ err: (error as Error).message }, "handling a server frame failed")));
    this.connection.on("invalid", (detail, raw) => this.onInvalidFrame(detail, raw));
    deps.logger.info({ policyVersion: this.policy.version, queued: this.outbox.size, mode: deps.mode }, "agent service starting");
    await this.runChecks("all", "service start");
    this.connection.start();
  }

  /**
   * Requests a check run; runs are serialised, and requests that arrive meanwhile are merged into one more run.
   * `full`: report every result of the run, changed or not (the policy changed, so the server needs them all again).
   */
  requestChecks(checks: readonly AgentCheckId[] | "all", why: string, full = false): Promise<void> {
    const ids = checks === "all" ? this.deps.checks.map((c) => c.id) : checks;
    if (full) this.pendingFull = true;
    if (this.pendingChecks !== undefined) {
      for (const id of ids) this.pendingChecks.add(id);
      return this.cycle;
    }
    this.pendingChecks = new Set(ids);
    this.cycle = this.cycle.then(async () => {
      const wanted = this.pendingChecks ?? new Set<AgentCheckId>();
      const reportAll = this.pendingFull;
      this.pendingChecks = undefined;
      this.pendingFull = false;
      if (!this.stopping) await this.runChecks([...wanted], why, reportAll);
    });
    return this.cycle;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    await this.cycle.catch(() => undefined);
    await this.connection.stop({ type: "goodbye", reason: "service-stop" });
    this.writeStatus();
    await this.statusWrite;
    this.deps.logger.info({ queued: this.outbox.size }, "agent service stopped");
  }

  private async runChecks(checks: readonly AgentCheckId[] | "all", why: string, reportAll = false): Promise<void> {
    const definitions = checks === "all" ? this.deps.checks : this.deps.checks.filter((c) => checks.includes(c.id));
    const started = performance.now();
    const outcomes = await runChecksEnforcing(definitions, this.deps.runner, this.policy, (check, subject) => this.shouldEnforce(check, subject));
    const observedAt = this.deps.clock();
    const changed: CheckResult[] = [];
    const enforcement = outcomes.flatMap((o) => o.enforcement);
    for (const { result, enforcement: acted } of outcomes) {
      const key = JSON.stringify(result);
      if (reportAll || this.latest.get(result.check)?.key !== key || acted.length > 0) changed.push(result);
      this.latest.set(result.check, { result, observedAt, key });
    }
    if (enforcement.length > 0) {
      for (const a of enforcement) this.deps.logger.warn({ subject: a.subject, ok: a.ok, detail: a.detail }, `enforcement: ${a.action} ${a.ok ? "done" : "failed"}`);
      // Confirm the device is gone (or still there) with a fresh look shortly after.
      setTimeout(() => void this.requestChecks(["usb-storage"], "after enforcement"), 2_000).unref();
    }
    this.deps.logger.debug({ why, checks: definitions.map((d) => d.id), changed: changed.map((c) => c.check), ms: Math.round(performance.now() - started) }, "checks ran");
    if (changed.length > 0) {
      this.deps.logger.info({ why, changed: changed.map((c) => `${c.check}=${c.status}`) }, "check results changed; reporting");
      await this.enqueue(changed, observedAt, enforcement);
    }
    this.writeStatus();
  }

  /** One enforcement attempt per device per few minutes: a device that resists is reported, not hammered. */
  private shouldEnforce(check: AgentCheckId, subject: string): boolean {
    const key = `${check}\u0000${subject}`;
    const now = this.deps.clock().getTime();
    const last = this.lastEnforced.get(key);
    if (last !== undefined && now - last < ENFORCE_RETRY_MS) return false;
    this.lastEnforced.set(key, now);
    return true;
  }

  private async enqueue(results: CheckResult[], observedAt: Date, enforcement: EnforcementAction[] = []): Promise<void> {
    const report: ReportFrame = {
      type: "report",
      id: uuidv7(this.deps.clock().getTime()),
      observedAt: observedAt.toISOString(),
      policyVersion: this.policy.version,
      results,
      ...(enforcement.length > 0 ? { enforcement: enforcement.slice(0, 100) } : {}),
    };
    await this.outbox.put(report);
    this.deps.logger.info({ report: report.id, checks: results.map((r) => r.check), queued: this.outbox.size }, "report queued");
    this.lastReport = { id: report.id, observedAt: report.observedAt, sentAt: null, ackedAt: null };
    if (this.connection.isOpen) this.sendReport(report);
  }

  private sendReport(report: ReportFrame): void {
    if (this.connection.send(report) && this.lastReport?.id === report.id) this.lastReport.sentAt = this.deps.clock().toISOString();
  }

  private async onFrame(frame: ServerFrame): Promise<void> {
    switch (frame.type) {
      case "welcome": {
        this.connection.accepted();
        this.connectedSince = this.deps.clock();
        this.startHeartbeat();
        // Whatever is still queued goes first (oldest first; the server stores each id once, and applies only what the
        // policy it sent judged), then the full state: now, or once the server's policy, which follows at once, is applied.
        const plan = afterWelcome(this.policy.version, frame.policyVersion);
        this.awaitingPolicy = plan === "await-policy";
        for (const report of this.outbox.pending()) this.sendReport(report);
        if (plan === "await-policy") this.deps.logger.info({ ours: this.policy.version, server: frame.policyVersion }, "the server runs another policy: the full state waits for it");
        else if (this.latest.size > 0) await this.enqueueFullState();
        break;
      }
      case "ack":
        if (await this.outbox.acknowledge(frame.id)) {
          if (this.lastReport?.id === frame.id) this.lastReport.ackedAt = this.deps.clock().toISOString();
          this.writeStatus();
        }
        break;
      case "policy":
        await this.applyPolicy(frame.policy);
        break;
      case "error":
        await this.onServerError(frame);
        break;
    }
  }

  /**
   * A report the server refused as invalid will never be accepted: keeping it would block nothing but
   * would be resent forever, so it leaves the outbox (logged). Load errors keep it for a later resend.
   */
  private async onServerError(frame: ErrorFrame): Promise<void> {
    const queued = frame.ref !== undefined && this.outbox.pending().some((r) => r.id === frame.ref);
    if (queued && (frame.code === "invalid_frame" || frame.code === "payload_too_large")) {
      await this.outbox.acknowledge(frame.ref ?? "");
      this.deps.logger.error({ code: frame.code, report: frame.ref }, `the server refused a report for good and it was dropped: ${frame.message}`);
      this.writeStatus();
      return;
    }
    this.deps.logger.warn({ code: frame.code, ref: frame.ref }, `the server answered an error: ${frame.message}${queued ? " (the report stays queued and is sent again)" : ""}`);
  }

  private async enqueueFullState(): Promise<void> {
    const all = [...this.latest.values()];
    if (all.length === 0) return;
    const observedAt = new Date(Math.max(...all.map((l) => l.observedAt.getTime())));
    const wanted = new Set(checksToResend([...this.latest.keys()], this.outbox.pending(), this.policy.version));
    const missing = all.filter((l) => wanted.has(l.result.check)).map((l) => l.result);
    if (missing.length > 0) await this.enqueue(missing, observedAt);
  }

  private async applyPolicy(policy: Policy): Promise<void> {
    const previous = this.policy.version;
    const awaited = this.awaitingPolicy;
    this.awaitingPolicy = false;
    if (policy.version !== previous) {
      await saveCachedPolicy(this.deps.paths.policy, policy);
      this.policy = policy;
      this.restartHeartbeat();
      this.deps.logger.info({ from: previous, to: policy.version }, "applied a new policy from the server");
    }
    this.connection.send({ type: "policy-applied", version: policy.version });
    // Judged again under the new policy and reported in full: the server disregards what an older policy judged.
    if (policy.version !== previous) await this.requestChecks("all", `policy version ${policy.version}`, true);
    else if (awaited) await this.enqueueFullState();
  }

  private onInvalidFrame(detail: string, raw: unknown): void {
    const type = typeof raw === "object" && raw !== null && "type" in raw ? String(raw.type) : undefined;
    if (type === "policy") {
      const policy = Policy.safeParse((raw as { policy?: unknown }).policy);
      const message = policy.success ? detail : describeZodError(policy.error);
      this.deps.logger.error({ detail: message }, `refused a pushed policy that does not validate; keeping version ${this.policy.version}`);
      const error: ErrorFrame = { type: "error", code: "invalid_policy", message: `policy refused: ${message}` };
      this.connection.send(error);
      // No other policy is coming: the full state the welcome held back goes out under the one in force.
      if (this.awaitingPolicy) {
        this.awaitingPolicy = false;
        void this.enqueueFullState().catch((err: unknown) => this.deps.logger.error({ err: (err as Error).message }, "queueing the full state failed"));
      }
      return;
    }
    this.deps.logger.warn({ detail, type }, "ignored a server frame that does not validate");
  }

  private startHeartbeat(): void {
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      this.connection.send({ type: "heartbeat", policyVersion: this.policy.version });
    }, this.policy.heartbeatSeconds * 1000);
  }

  private restartHeartbeat(): void {
    if (this.heartbeatTimer !== undefined) this.startHeartbeat();
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
      })),
    };
    return status;
  }
}
