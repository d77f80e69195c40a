// One agent's WebSocket: hello first, then reports (acked after COMMIT), heartbeats, policy-applied, goodbye.
import {
  ERROR_TRANSPORT,
  MAX_FRAME_BYTES,
  type AgentFrame,
  type ErrorCode,
  type HelloFrame,
  type PreviewResultFrame,
  type ReportFrame,
  type ServerFrame,
} from "@wegroup/shared";
import { WebSocket, type RawData } from "ws";
import type { DeviceAuthOutcome, HelloIdentity } from "../auth/device-auth.js";
import type { RateLimiter } from "../auth/rate-limit.js";
import type { Clock } from "../clock.js";
import type { DeviceActivity } from "../store/devices.js";
import { BatcherClosedError } from "../ingest/batcher.js";
import type { Ingest } from "../ingest/ingest.js";
import { setMessageLimit } from "../limits/message-limit.js";
import { TokenBucket } from "../limits/token-bucket.js";
import { ItemRefusedError, StoreUnavailableError } from "../store/failure.js";
import { LazyChildLogger, type Logger } from "../logger.js";
import type { CurrentPolicy } from "../policy/current.js";
import { decodeAgentFrame, encodeServerFrame, errorFrame } from "./frames.js";
import type { AgentChannelObserver } from "../metrics/metrics.js";
import { authRefusal, firstFrameRefusal, type HelloLimits, type Refusal } from "./hello-gate.js";
import type { AgentRegistry, AgentSession } from "./registry.js";

/** What one connection may do before and after its hello; see Tuning for each. */
export interface ConnectionLimits extends HelloLimits {
  earlyFramesMaxBytes: number;
  frameBurst: number;
  framesPerSecond: number;
}

export interface ConnectionDeps {
  /** `nonce`: what this connection's upgrade answer carried (the hello signs it). */
  authenticate(hello: HelloIdentity, nonce: string | undefined): Promise<DeviceAuthOutcome>;
  limits: ConnectionLimits;
  /** Authenticated connections per device id: a device that reconnects in a loop is refused, not served. */
  deviceConnections: RateLimiter;
  ingest: Ingest;
  policy: CurrentPolicy;
  registry: AgentRegistry;
  clock: Clock;
  helloTimeoutMs: number;
  /** Reports of one connection waiting for their commit; beyond this the agent is told to slow down. */
  maxReportsInFlight: number;
  /** Counts hellos, acks and applied policies for /metrics. */
  observer?: AgentChannelObserver;
  /** Where agents' answers to a policy preview go (absent: they are dropped). */
  previews?: { answered(deviceId: string, frame: PreviewResultFrame): void } | undefined;
}

/** Frames that arrive while the hello is being checked wait, up to this many. */
const MAX_EARLY_FRAMES = 256;
/** A peer that keeps sending frames that do not validate is cut off after this many. */
const MAX_INVALID_FRAMES = 20;

/** WebSocket close codes for ends that are not errors. */
export const CLOSE_REPLACED = ERROR_TRANSPORT.conflict.ws;
export const CLOSE_GOING_AWAY = 1001;

type State = "hello" | "authenticating" | "ready" | "draining" | "closed";

export class AgentConnection implements AgentSession {
  #state: State = "hello";
  #deviceId = "";
  #early: RawData[] = [];
  #earlyBytes = 0;
  #invalidFrames = 0;
  readonly #frames: TokenBucket;
  #inFlight = 0;
  /** The newest policy version sent on this connection (welcome, push); -1 before the welcome. */
  #policySent = -1;
  #helloTimer: NodeJS.Timeout | undefined;
  readonly #log: LazyChildLogger;
  /** Set by any frame or pong; the endpoint's sweep drops a peer that stayed silent through a ping. */
  alive = true;
  /** Settles when the socket has closed, however it closed. */
  readonly closed: Promise<void>;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: ConnectionDeps,
    logger: Logger,
    /** What this connection's log lines carry (connection number, remote address; the device id from its hello). */
    logBindings: Record<string, unknown>,
    /** The nonce sent in this connection's upgrade answer. */
    private readonly nonce?: string,
  ) {
    this.#log = new LazyChildLogger(logger, logBindings);
    this.#frames = new TokenBucket(deps.limits.frameBurst, deps.limits.framesPerSecond);
    // Until the hello is in, a frame larger than a hello is refused by its header, before its payload is buffered.
    setMessageLimit(ws, deps.limits.helloMaxBytes);
    this.closed = new Promise((resolve) => ws.once("close", () => resolve()));
    this.#helloTimer = setTimeout(() => {
      this.#fail("unauthorized", `expected a hello frame within ${Math.round(deps.helloTimeoutMs / 1000)} s`);
    }, deps.helloTimeoutMs);
    ws.on("message", (data) => this.#onMessage(data));
    ws.on("pong", () => {
      this.alive = true;
    });
    ws.on("close", (code) => this.#onClose(code));
    ws.on("error", (error) => {
      // ws closes by itself after a protocol error (oversized frame: 1009); only note why.
      if (this.#state === "hello" && (error as { code?: unknown }).code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
        this.#log.warn(
          { limit: "helloMaxBytes", max: deps.limits.helloMaxBytes },
          "pre-auth limit hit: first frame larger than a hello; closed (1009)",
        );
      } else this.#log.warn({ err: error }, "agent socket error");
    });
  }

  get deviceId(): string {
    return this.#deviceId;
  }

  get ready(): boolean {
    return this.#state === "ready";
  }

  sendBytes(bytes: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes, { binary: false });
  }

  send(frame: ServerFrame): void {
    this.sendBytes(encodeServerFrame(frame));
  }

  /** A policy push went out on this connection: reports judged by an older version change nothing from now on. */
  notePolicySent(version: number): void {
    if (version > this.#policySent) this.#policySent = version;
  }

  close(code: number, reason: string): void {
    this.#state = "closed";
    this.#clearHelloTimer();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  ping(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
  }

  /** Shutting down: frames that arrive now are not taken (the agent resends what was not acked). */
  drain(): void {
    if (this.#state !== "closed") this.#state = "draining";
  }

  #onMessage(data: RawData): void {
    this.alive = true;
    if (this.#state === "closed" || this.#state === "draining") return;
    // Counted before anything is parsed: a flood costs a subtraction per frame.
    if (!this.#frames.take()) {
      this.#log.warn(
        { limit: "framesPerSecond", burst: this.deps.limits.frameBurst, perSecond: this.deps.limits.framesPerSecond },
        "frame rate limit hit; closing",
      );
      this.#fail(
        "rate_limited",
        `more than ${this.deps.limits.framesPerSecond} frames a second (burst ${this.deps.limits.frameBurst}); reconnect and send slower`,
      );
      return;
    }
    switch (this.#state) {
      case "authenticating": {
        this.#earlyBytes += byteLength(data);
        if (this.#early.length >= MAX_EARLY_FRAMES || this.#earlyBytes > this.deps.limits.earlyFramesMaxBytes) {
          this.#log.warn(
            { limit: "earlyFramesMaxBytes", frames: this.#early.length + 1, bytes: this.#earlyBytes },
            "pre-auth limit hit: too much sent before the hello was answered",
          );
          this.#fail("rate_limited", "too many frames before the hello was answered");
        } else this.#early.push(data);
        return;
      }
      case "hello":
        this.#onHello(data);
        return;
      case "ready":
        this.#onFrame(data);
        return;
    }
  }

  #onHello(data: RawData): void {
    const bytes = data as Buffer;
    const refused = firstFrameRefusal(bytes, this.deps.limits);
    if (refused !== undefined) {
      this.#refuse(refused);
      return;
    }
    // Frames after the hello may be as large as the protocol allows (they wait, bounded, until it is checked).
    setMessageLimit(this.ws, MAX_FRAME_BYTES);
    const decoded = decodeAgentFrame(bytes);
    if (!decoded.ok) {
      this.#fail("unauthorized", `the first frame must be a valid hello: ${decoded.message}`);
      return;
    }
    if (decoded.frame.type !== "hello") {
      this.#fail("unauthorized", `the first frame must be a hello, got "${decoded.frame.type}"`);
      return;
    }
    this.#state = "authenticating";
    void this.#authenticate(decoded.frame);
  }

  async #authenticate(hello: HelloFrame): Promise<void> {
    let outcome: DeviceAuthOutcome;
    try {
      outcome = await this.deps.authenticate(hello, this.nonce);
    } catch (error) {
      this.#log.error({ err: error }, "device lookup failed");
      this.#fail("unavailable", "the server cannot check credentials right now; retry later");
      return;
    }
    if (this.#state !== "authenticating") return; // closed meanwhile
    const refused = authRefusal(outcome.result);
    if (refused !== undefined) {
      this.#refuse(refused, { deviceId: hello.deviceId });
      return;
    }
    const admission = this.deps.deviceConnections.take(hello.deviceId);
    if (!admission.ok) {
      this.#log.warn(
        { limit: "deviceConnectionsPerMinute", deviceId: hello.deviceId, retryAfterSeconds: admission.retryAfterSeconds },
        "connection rate limit of a device hit; refused",
      );
      this.#fail("rate_limited", `this device connects too often; retry in ${admission.retryAfterSeconds} s`);
      return;
    }
    if (outcome.via === "key-bound") this.#log.info({ deviceId: hello.deviceId }, "device key bound on first use");
    this.#clearHelloTimer();
    this.#deviceId = hello.deviceId;
    this.#log.bind({ deviceId: hello.deviceId });
    this.#state = "ready";
    const replaced = this.deps.registry.add(this);
    replaced?.close(CLOSE_REPLACED, "replaced by a newer connection of this device");

    const policy = this.deps.policy;
    this.send({
      type: "welcome",
      deviceId: hello.deviceId,
      serverTime: this.deps.clock.now().toISOString(),
      heartbeatSeconds: policy.heartbeatSeconds,
      policyVersion: policy.version,
    });
    if (hello.policyVersion !== policy.version) this.sendBytes(policy.frame);
    // The agent has this version now (or is about to): from here on, a report judged by an older one is outdated.
    this.notePolicySent(policy.version);
    this.#record({
      policyVersion: hello.policyVersion,
      policySentVersion: policy.version,
      agentVersion: hello.agentVersion,
      hostname: hello.device.hostname,
      ...(hello.device.osName === undefined ? {} : { osName: hello.device.osName }),
      ...(hello.device.osVersion === undefined ? {} : { osVersion: hello.device.osVersion }),
      ...(hello.device.arch === undefined ? {} : { arch: hello.device.arch }),
      ...(hello.runStartedAt === undefined
        ? {}
        : {
            run: {
              startedAt: hello.runStartedAt,
              ...(hello.bootId === undefined ? {} : { bootId: hello.bootId }),
              ...(hello.previousRun === undefined ? {} : { previous: hello.previousRun }),
            },
          }),
      ...(hello.facts === undefined ? {} : { facts: hello.facts }),
    });
    this.#log.debug(
      { agentVersion: hello.agentVersion, policyVersion: hello.policyVersion, replaced: replaced !== undefined, via: outcome.via },
      "agent connected",
    );
    this.deps.observer?.hello();

    const early = this.#early;
    this.#early = [];
    // Counted against the frame rate when they arrived: straight to the frame handler now.
    for (const data of early) if (this.#state === "ready") this.#onFrame(data);
  }

  #onFrame(data: RawData): void {
    const decoded = decodeAgentFrame(data);
    if (!decoded.ok) {
      this.#invalidFrames++;
      this.#log.warn({ code: decoded.code, reason: decoded.message, ref: decoded.ref }, "invalid agent frame");
      this.send(errorFrame(decoded.code, decoded.message, decoded.ref));
      if (this.#invalidFrames >= MAX_INVALID_FRAMES) this.#fail("invalid_frame", `${MAX_INVALID_FRAMES} invalid frames; closing`);
      return;
    }
    this.#dispatch(decoded.frame);
  }

  #dispatch(frame: AgentFrame): void {
    switch (frame.type) {
      case "report":
        this.#onReport(frame);
        return;
      case "heartbeat":
        this.#record({ policyVersion: frame.policyVersion });
        return;
      case "policy-applied":
        this.#record({ policyVersion: frame.version, policyAppliedAt: this.deps.clock.now().toISOString() });
        this.#log.debug({ policyVersion: frame.version }, "policy applied");
        this.deps.observer?.policyApplied();
        return;
      case "goodbye": {
        const at = this.deps.clock.now().toISOString();
        this.#record({ goodbyeAt: at, goodbyeReason: frame.reason }, at);
        this.#log.info({ reason: frame.reason }, "agent said goodbye");
        return;
      }
      case "preview-result":
        this.deps.previews?.answered(this.#deviceId, frame);
        return;
      case "error":
        this.#log.warn({ code: frame.code, reason: frame.message, ref: frame.ref }, "agent reported an error");
        return;
      case "hello":
        this.send(errorFrame("invalid_frame", "this connection has already said hello"));
        return;
    }
  }

  #onReport(report: ReportFrame): void {
    const max = this.deps.maxReportsInFlight;
    if (this.#inFlight >= max) {
      // Not stored, not acked: the agent keeps it and sends it again once earlier ones are acked.
      this.send(
        errorFrame("rate_limited", `${max} reports of this connection wait for storage; send this one again after the next ack`, report.id),
      );
      return;
    }
    this.#inFlight++;
    const policySent = this.#policySent < 0 ? undefined : this.#policySent;
    const arrived = performance.now();
    this.deps.ingest
      .report(this.#deviceId, report, this.deps.clock.now(), policySent)
      .finally(() => this.#inFlight--)
      .then(
        ({ stored, outdated }) => {
          // Stored now or before: either way it is durable, so the agent may forget it.
          this.send({ type: "ack", id: report.id });
          this.deps.observer?.reportAcked(stored, (performance.now() - arrived) / 1000);
          if (outdated)
            this.#log.debug(
              { reportId: report.id, judgedBy: report.policyVersion, sent: policySent },
              "report judged by an older policy: stored, changes nothing",
            );
          else this.#log.debug({ reportId: report.id, stored }, "report acknowledged");
        },
        (error: unknown) => {
          if (error instanceof BatcherClosedError) return; // shutting down: not acked, so the agent resends it
          this.#refuseReport(report.id, error);
        },
      );
  }

  /** Not acked: the agent keeps a report refused as unavailable and sends it again; one refused for good it drops. */
  #refuseReport(reportId: string, error: unknown): void {
    if (error instanceof ItemRefusedError && error.code === "rate_limited") {
      this.#log.warn({ reportId, reason: error.reason }, "report refused: the device is over a cap");
      this.send(errorFrame("rate_limited", `the report was not stored: ${error.reason}`, reportId));
      return;
    }
    if (error instanceof ItemRefusedError) {
      this.#log.warn({ reportId, reason: error.reason }, "report refused for good: the database cannot store it");
      this.send(errorFrame("invalid_frame", `the report cannot be stored and is refused for good: ${error.reason}`, reportId));
      return;
    }
    if (error instanceof StoreUnavailableError) {
      this.#log.debug({ reportId }, "report not stored: the database is unavailable");
      this.send(errorFrame("unavailable", `the report was not stored (${error.reason}); keep it and send it again later`, reportId));
      return;
    }
    this.#log.error({ err: error, reportId }, "report could not be stored");
    this.send(errorFrame("unavailable", "the report could not be stored; send it again later", reportId));
  }

  /** Records device activity; `at` is the frame's one clock reading, so that e.g. goodbyeAt equals lastSeen. */
  #record(fields: Omit<DeviceActivity, "deviceId" | "lastSeen">, at: string = this.deps.clock.now().toISOString()): void {
    this.deps.ingest.activity({ deviceId: this.#deviceId, lastSeen: at, ...fields }).catch((error: unknown) => {
      if (error instanceof BatcherClosedError) return;
      if (error instanceof StoreUnavailableError)
        this.#log.debug({ reason: error.reason }, "device activity not recorded: the database is unavailable");
      else this.#log.warn({ err: error }, "device activity not recorded");
    });
  }

  #refuse(refusal: Refusal, context: Record<string, unknown> = {}): void {
    if (refusal.log !== undefined) this.#log.warn({ ...refusal.log.fields, ...context }, refusal.log.msg);
    this.#fail(refusal.code, refusal.message);
  }

  #fail(code: ErrorCode, message: string): void {
    if (this.#state === "closed") return;
    this.#log.info({ code, reason: message }, "closing agent connection");
    this.send(errorFrame(code, message));
    this.close(ERROR_TRANSPORT[code].ws, closeReason(message));
  }

  #onClose(code: number): void {
    this.#state = "closed";
    this.#clearHelloTimer();
    if (this.#deviceId !== "") {
      this.deps.registry.remove(this);
      this.#log.debug({ code }, "agent disconnected");
    }
  }

  #clearHelloTimer(): void {
    if (this.#helloTimer !== undefined) clearTimeout(this.#helloTimer);
    this.#helloTimer = undefined;
  }
}

function byteLength(data: RawData): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** A close reason is limited to 123 bytes: cut at a character boundary below that. */
export function closeReason(message: string): string {
  let out = message;
  while (Buffer.byteLength(out, "utf8") > 123) out = out.slice(0, -1);
  return out;
}
