// The simulated agents of one client process: enrollment, connecting with bounded concurrency, and the load patterns the phases ask for.
import { backoffDelay, newDeviceKey } from "@wegroup/agent";
import { type CheckResult, uuidv7 } from "@wegroup/shared";
import { monoMs, sleep } from "../clock.js";
import { variedResults } from "../payload.js";
import { FEED_CLOSE_RESULTS, FEED_PREFIX, feedOpenResults, reportFrame, STEADY_RESULTS, STORM_PREFIX, stormResults } from "../reports.js";
import { sourceAddress } from "./addresses.js";
import type {
  ClosedLoopAnswer,
  ClosedLoopArgs,
  ConnectAnswer,
  EnrollAnswer,
  InitArgs,
  PacedAnswer,
  PacedArgs,
  PayloadPrimeAnswer,
  PayloadPrimeArgs,
  PolicyAnswer,
  ReconnectAnswer,
  ReconnectStatus,
  StormAnswer,
  StormStartArgs,
} from "./commands.js";
import { enrollAll } from "./enroll.js";
import { Pacer } from "./pacer.js";
import { PolicyLog } from "./policy-log.js";
import { type AgentHooks, type Identity, type Pending, SimAgent } from "./sim-agent.js";
import { Waiters } from "./waiters.js";

const AGENT_VERSION = "0.1.0-bench";

interface ClosedLoop extends ClosedLoopArgs {
  kind: "load" | "payload";
  sent: number;
  acked: number;
  ackedInWindow: number;
  bytes: number;
}

interface Paced {
  sent: number;
  acked: number;
  ackLatencies: number[];
  opened: [string, number][];
  skipped: number;
  /** Per agent: does it have a probe violation open (the next probe closes it)? */
  open: Set<SimAgent>;
}

interface Storm {
  sent: [string, string][];
  ackedIds: Set<string>;
  pacer: Pacer;
}

export class Fleet {
  readonly agents: SimAgent[] = [];
  readonly #pendingByKind = new Map<Pending["kind"], number>();
  readonly #applied = new PolicyLog();
  readonly #launching = new Set<SimAgent>();
  readonly #waiters = new Waiters();
  #ready = 0;
  #lastSteadyAckAt = 0;
  #lastPayloadAckAt = 0;
  /** Each agent's realistic results, serialised once (the payload phases only). */
  #payloadJson = new Map<SimAgent, string>();
  #reconnectAfter = Number.POSITIVE_INFINITY;
  readonly #reconnected = new Set<SimAgent>();
  /** When each agent last lost a welcomed connection (monotonic ms). */
  readonly #droppedAt = new Map<SimAgent, number>();
  #loop: ClosedLoop | undefined;
  #paced: Paced | undefined;
  #storm: Storm | undefined;
  #refusals = 0;
  #failures: Record<string, number> = {};
  #firstRefusal = "";
  #launch: () => void = () => {};

  private constructor(
    private readonly args: InitArgs,
    private readonly backoffDelay: (attempt: number) => number,
  ) {}

  static async create(args: InitArgs): Promise<Fleet> {
    // The real agent's settings (cli/run.ts, where its Connection is made): 1 s base, 60 s cap.
    const fleet = new Fleet(args, (attempt) => backoffDelay(attempt, { baseMs: 1_000, capMs: 60_000 }, Math.random));
    if (args.mode === "bare") {
      for (let i = args.first; i < args.first + args.count; i++) fleet.#add({ ...fleet.#seed(i), deviceId: `bare-${i}`, credential: "" });
    }
    return fleet;
  }

  #seed(index: number): Omit<Identity, "deviceId" | "credential"> {
    return {
      index,
      hostname: `bench-${this.args.runId}-${index}`,
      hardwareId: `bench-${this.args.runId}-${index}`,
      localAddress: sourceAddress(index),
    };
  }

  #add(identity: Identity): void {
    this.agents.push(
      new SimAgent(
        identity,
        { url: this.args.url, mode: this.args.mode, agentVersion: AGENT_VERSION, backoffDelay: this.backoffDelay },
        this.#hooks,
      ),
    );
  }

  async enroll(concurrency: number): Promise<EnrollAnswer> {
    const firstAt = monoMs();
    const seeds = Array.from({ length: this.args.count }, (_, k) => ({ ...this.#seed(this.args.first + k), key: newDeviceKey().key }));
    const identities = await enrollAll(seeds, concurrency, this.args.baseUrl, this.args.secret);
    for (const identity of identities) this.#add(identity);
    return { enrolled: identities.length, firstAt, lastAt: monoMs() };
  }

  /** Opens every agent, at most `concurrency` handshakes at a time; settles when all are welcomed, have applied the policy and had their full state acked. */
  async connect(concurrency: number, timeoutMs: number): Promise<ConnectAnswer> {
    const queue = this.agents.filter((a) => a.ws === undefined);
    this.#launch = () => {
      while (this.#launching.size < concurrency && queue.length > 0) {
        const agent = queue.shift() as SimAgent;
        this.#launching.add(agent);
        agent.open();
      }
    };
    this.#launch();
    const product = this.args.mode === "product";
    await this.#until(
      () =>
        this.#ready === this.agents.length && (!product || (this.#pending("steady") === 0 && this.#applied.total() >= this.agents.length)),
      timeoutMs,
      () =>
        `${this.agents.length} agents to connect (${this.#ready} ready, ${this.#pending("steady")} full-state reports unacked${this.#refusalNote()})`,
    );
    return {
      connected: this.#ready,
      lastWelcomeAt: Math.max(...this.agents.map((a) => a.welcomedAt)),
      lastPolicyAt: this.#applied.lastAt(),
      lastAckAt: this.#lastSteadyAckAt,
      attempts: this.agents.reduce((n, a) => n + a.attempts, 0),
      failures: this.#takeFailures(),
    };
  }

  #takeFailures(): Record<string, number> {
    const out = this.#failures;
    this.#failures = {};
    return out;
  }

  async waitPolicy(version: number, timeoutMs: number): Promise<PolicyAnswer> {
    await this.#until(
      () => this.#applied.appliedCount(version) === this.agents.length,
      timeoutMs,
      `every agent to apply policy version ${version}`,
    );
    const entry = this.#applied.get(version);
    return {
      applied: this.#applied.appliedCount(version),
      lastAppliedAt: entry?.lastAt ?? 0,
      firstReceivedAt: entry?.firstAt ?? 0,
      raw: entry?.raw ?? "",
    };
  }

  /** Every agent keeps `window` reports in flight from `startAt` to `endAt`; acks from `measureFrom` on are counted. */
  async closedLoop(args: ClosedLoopArgs): Promise<ClosedLoopAnswer> {
    const kind = args.payload === undefined ? "load" : "payload";
    if (args.payload !== undefined) this.#preparePayload(args.payload);
    await sleep(Math.max(0, args.startAt - monoMs()));
    const loop: ClosedLoop = { ...args, kind, sent: 0, acked: 0, ackedInWindow: 0, bytes: 0 };
    this.#loop = loop;
    for (const agent of this.agents) this.#pump(agent);
    await sleep(Math.max(0, args.endAt - monoMs()));
    await this.#until(() => this.#pending(kind) === 0, args.drainMs ?? 60_000, "the closed loop's last reports to be acked").catch(
      () => undefined,
    );
    this.#loop = undefined;
    this.#payloadJson.clear();
    return { sent: loop.sent, acked: loop.acked, ackedInWindow: loop.ackedInWindow, unacked: this.#pending(kind), bytes: loop.bytes };
  }

  #pump(agent: SimAgent): void {
    const loop = this.#loop;
    if (loop === undefined || !agent.ready || monoMs() >= loop.endAt) return;
    if (loop.participants !== undefined && agent.identity.index >= loop.participants) return;
    while (agent.pendingOf(loop.kind) < loop.window) {
      const sent = loop.kind === "payload" ? this.#sendPayload(agent) : this.#send(agent, "load", STEADY_RESULTS);
      loop.bytes += Buffer.byteLength(sent.text);
      loop.sent++;
    }
  }

  /** Every connected agent sends one realistic full-state report (its first: its violations open); settles when all are acked. */
  async payloadPrime(args: PayloadPrimeArgs): Promise<PayloadPrimeAnswer> {
    this.#preparePayload(args.payload);
    this.#lastPayloadAckAt = 0;
    let sent = 0;
    let bytes = 0;
    for (const agent of this.agents) {
      if (!agent.ready) continue;
      bytes += Buffer.byteLength(this.#sendPayload(agent).text);
      sent++;
    }
    await this.#until(
      () => this.#pending("payload") === 0,
      args.timeoutMs,
      () => `${this.#pending("payload")} first realistic reports to be acked`,
    ).catch(() => undefined);
    return { sent, acked: sent - this.#pending("payload"), lastAckAt: this.#lastPayloadAckAt, bytes };
  }

  #preparePayload(base: readonly CheckResult[]): void {
    this.#payloadJson.clear();
    for (const agent of this.agents) this.#payloadJson.set(agent, JSON.stringify(variedResults(base, agent.identity.index)));
  }

  /** A report of the agent's realistic results: a fresh id and time around its prepared JSON, as the agent serialises it. */
  #sendPayload(agent: SimAgent): Pending {
    const id = uuidv7();
    const results = this.#payloadJson.get(agent) ?? "[]";
    this.#count("payload", 1);
    return agent.reportText(
      "payload",
      id,
      `{"type":"report","id":"${id}","observedAt":"${new Date().toISOString()}","policyVersion":${agent.policyVersion},"results":${results}}`,
    );
  }

  /** Reports at a steady rate, each agent alternating a probe that opens a violation and one that resolves it. */
  async paced(args: PacedArgs): Promise<PacedAnswer> {
    const paced: Paced = { sent: 0, acked: 0, ackLatencies: [], opened: [], skipped: 0, open: new Set() };
    this.#paced = paced;
    const pacer = new Pacer(args.rate, args.startAt, args.endAt, () => {
      const agent = this.#nextAgent((a) => a.pendingOf("feed") === 0);
      if (agent === undefined) {
        paced.skipped++;
        return;
      }
      paced.sent++;
      if (paced.open.delete(agent)) {
        this.#send(agent, "feed", FEED_CLOSE_RESULTS);
        return;
      }
      paced.open.add(agent);
      const subject = `${FEED_PREFIX}${agent.identity.index}-${paced.sent}`;
      paced.opened.push([subject, this.#send(agent, "feed", feedOpenResults(subject)).sentAt]);
    });
    await pacer.done;
    await this.#until(() => this.#pending("feed") === 0, 60_000, "the paced reports to be acked").catch(() => undefined);
    this.#paced = undefined;
    return { sent: paced.sent, acked: paced.acked, ackLatencies: paced.ackLatencies, opened: paced.opened, skipped: paced.skipped };
  }

  /** Storm reports at `rate` a second (one in flight per agent) until stopped; each opens its own violation. */
  stormStart(args: StormStartArgs): void {
    const sent: [string, string][] = [];
    const pacer = new Pacer(args.rate, monoMs(), Number.POSITIVE_INFINITY, () => {
      const agent = this.#nextAgent((a) => a.pendingOf("storm") === 0);
      if (agent === undefined) return;
      const id = uuidv7();
      this.#count("storm", 1);
      agent.report("storm", reportFrame(id, new Date(), agent.policyVersion, stormResults(`${STORM_PREFIX}${id}`)));
      sent.push([agent.identity.deviceId, id]);
    });
    this.#storm = { sent, ackedIds: new Set(), pacer };
  }

  #cursor = 0;

  /** The next connected agent, round robin, that `free` accepts; undefined when none does. */
  #nextAgent(free: (agent: SimAgent) => boolean): SimAgent | undefined {
    for (let tried = 0; tried < this.agents.length; tried++) {
      const agent = this.agents[this.#cursor++ % this.agents.length];
      if (agent !== undefined && agent.ready && free(agent)) return agent;
    }
    return undefined;
  }

  async stormStop(timeoutMs: number): Promise<StormAnswer> {
    const storm = this.#storm;
    if (storm === undefined) throw new Error("no storm is running");
    storm.pacer.stop();
    await this.#until(
      () => this.#pending("storm") === 0,
      timeoutMs,
      () => `${this.#pending("storm")} storm reports to be acked`,
    ).catch(() => undefined);
    this.#storm = undefined;
    return {
      sent: storm.sent.map(([device, id]) => [device, id, storm.ackedIds.has(id) ? 1 : 0]),
      acked: storm.ackedIds.size,
      unacked: this.#pending("storm"),
    };
  }

  /** Settles when every agent has been welcomed again after `after` (monotonic ms), or at the timeout with those that were. */
  async waitReconnected(after: number, timeoutMs: number): Promise<ReconnectAnswer> {
    this.#reconnectAfter = after;
    this.#reconnected.clear();
    for (const agent of this.agents) if (agent.ready && agent.welcomedAt > after) this.#reconnected.add(agent);
    this.#notify();
    await this.#until(() => this.#reconnected.size === this.agents.length, timeoutMs, "every agent to reconnect").catch(() => undefined);
    this.#reconnectAfter = Number.POSITIVE_INFINITY;
    const back = [...this.#reconnected];
    return {
      connected: back.length,
      agents: this.agents.length,
      lastWelcomeAt: Math.max(0, ...back.map((a) => a.welcomedAt)),
      attempts: this.agents.reduce((n, a) => n + a.attempts, 0),
      failures: this.#takeFailures(),
      delays: back.map((a) => a.welcomedAt - after),
    };
  }

  /**
   * Where the agents stand since `after` (one instance of several was killed: only its agents drop): how many lost
   * their connection since then, how many of those were welcomed again, and how many are connected now.
   */
  reconnectStatus(after: number): ReconnectStatus {
    let dropped = 0;
    let lastWelcomeAt = 0;
    const delays: number[] = [];
    for (const agent of this.agents) {
      const at = this.#droppedAt.get(agent);
      if (at === undefined || at < after) continue;
      dropped++;
      if (agent.ready && agent.welcomedAt > at) {
        delays.push(agent.welcomedAt - after);
        lastWelcomeAt = Math.max(lastWelcomeAt, agent.welcomedAt);
      }
    }
    return {
      agents: this.agents.length,
      ready: this.#ready,
      dropped,
      back: delays.length,
      lastWelcomeAt,
      delays,
      attempts: this.agents.reduce((n, a) => n + a.attempts, 0),
      failures: { ...this.#failures },
    };
  }

  shutdown(): void {
    for (const agent of this.agents) agent.stop();
  }

  #send(agent: SimAgent, kind: Pending["kind"], results: Parameters<typeof reportFrame>[3]): Pending {
    this.#count(kind, 1);
    return agent.report(kind, reportFrame(uuidv7(), new Date(), agent.policyVersion, results));
  }

  #pending(kind: Pending["kind"]): number {
    return this.#pendingByKind.get(kind) ?? 0;
  }

  #count(kind: Pending["kind"], delta: number): void {
    this.#pendingByKind.set(kind, this.#pending(kind) + delta);
  }

  #refusalNote(): string {
    return this.#refusals > 0 ? `; ${this.#refusals} refusals, first: ${this.#firstRefusal}` : "";
  }

  #until(done: () => boolean, timeoutMs: number, what: string | (() => string)): Promise<void> {
    return this.#waiters.until(done, timeoutMs, typeof what === "string" ? () => what : what);
  }

  #notify(): void {
    this.#waiters.notify();
  }

  #settled(agent: SimAgent): void {
    if (this.#launching.delete(agent)) this.#launch();
  }

  readonly #hooks: AgentHooks = {
    welcomed: (agent) => {
      this.#ready++;
      if (agent.welcomedAt > this.#reconnectAfter) this.#reconnected.add(agent);
      // The real agent sends its full state on every connect.
      if (this.args.mode === "product") this.#send(agent, "steady", STEADY_RESULTS);
      this.#settled(agent);
      this.#pump(agent);
      this.#notify();
    },
    acked: (agent, report, at) => {
      this.#count(report.kind, -1);
      switch (report.kind) {
        case "steady":
          this.#lastSteadyAckAt = Math.max(this.#lastSteadyAckAt, at);
          break;
        case "payload":
          this.#lastPayloadAckAt = Math.max(this.#lastPayloadAckAt, at);
          if (this.#loop !== undefined) {
            this.#loop.acked++;
            if (at >= this.#loop.measureFrom && at <= this.#loop.endAt) this.#loop.ackedInWindow++;
            this.#pump(agent);
          }
          break;
        case "load":
          if (this.#loop !== undefined) {
            this.#loop.acked++;
            if (at >= this.#loop.measureFrom && at <= this.#loop.endAt) this.#loop.ackedInWindow++;
            this.#pump(agent);
          }
          break;
        case "feed":
          if (this.#paced !== undefined) {
            this.#paced.acked++;
            this.#paced.ackLatencies.push(at - report.sentAt);
          }
          break;
        case "storm":
          this.#storm?.ackedIds.add(report.id);
          break;
      }
      this.#notify();
    },
    policy: (agent, version, at, raw) => {
      this.#applied.record(agent, version, at, raw);
      this.#notify();
    },
    closed: (agent, wasReady) => {
      if (wasReady) {
        this.#ready--;
        this.#droppedAt.set(agent, monoMs());
      }
      this.#settled(agent);
      this.#notify();
    },
    failed: (_agent, reason) => {
      this.#failures[reason] = (this.#failures[reason] ?? 0) + 1;
    },
    refused: (_agent, code, message) => {
      if (this.#refusals++ === 0) this.#firstRefusal = `${code}: ${message}`;
    },
  };
}
