// One simulated agent on the real protocol: hello, reports kept until acked (resent after a reconnect), heartbeats, policy-applied, jittered backoff.
import type { DeviceKey } from "@wegroup/agent";
import { delayInWindow, HELLO_NONCE_HEADER, parseReconnectWindow, PROTOCOL_VERSION, type ReportFrame } from "@wegroup/shared";
import { WebSocket } from "ws";
import { monoMs } from "../clock.js";

/** As the real agent (agent/src/service/connection.ts): an upgrade not answered by then is given up and retried. */
const HANDSHAKE_TIMEOUT_MS = 15_000;

/** The server serialises a policy frame as {"type":"policy","policy":{"version":N,…}} (the schema's key order). */
const POLICY_PUSH = /^\{"type":"policy","policy":\{"version":(\d+),/;
/** A policy preview: a real agent judges the candidate against its facts; a simulated one has none, so it answers "no change" by the id alone. */
const PREVIEW = /^\{"type":"preview","id":"([A-Za-z0-9_-]+)"/;

export type ReportKind = "steady" | "load" | "payload" | "feed" | "storm";

export interface Pending {
  id: string;
  kind: ReportKind;
  text: string;
  /** When it was first sent (monotonic ms); a resend keeps it, so latency counts the outage. */
  sentAt: number;
}

export interface Identity {
  index: number;
  hostname: string;
  hardwareId: string;
  localAddress: string;
  deviceId: string;
  credential: string;
  /** The key enrollment registered (none for the bare baseline's sockets): every hello signs the connection's nonce. */
  key?: DeviceKey;
}

/** What the fleet hears from its agents. */
export interface AgentHooks {
  welcomed(agent: SimAgent): void;
  acked(agent: SimAgent, report: Pending, at: number): void;
  policy(agent: SimAgent, version: number, at: number, raw: string): void;
  closed(agent: SimAgent, wasReady: boolean): void;
  /** A connection attempt ended before the welcome: why (normalised, for a tally). */
  failed(agent: SimAgent, reason: string): void;
  refused(agent: SimAgent, code: string, message: string): void;
}

export interface AgentSettings {
  url: string;
  /** "product": hello first, then the agent protocol; "bare": a plain socket to the bare ws baseline. */
  mode: "product" | "bare";
  agentVersion: string;
  /** The agent's reconnect delay (the built agent module's function). */
  backoffDelay(attempt: number): number;
}

export class SimAgent {
  ws: WebSocket | undefined;
  ready = false;
  stopped = false;
  policyVersion = 0;
  welcomedAt = 0;
  welcomes = 0;
  attempts = 0;
  readonly pending = new Map<string, Pending>();
  #attempt = 0;
  #lastError: string | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #reconnect: NodeJS.Timeout | undefined;

  constructor(
    readonly identity: Identity,
    private readonly settings: AgentSettings,
    private readonly hooks: AgentHooks,
  ) {}

  open(): void {
    if (this.stopped || this.ws !== undefined) return;
    this.attempts++;
    const ws = new WebSocket(this.settings.url, {
      localAddress: this.identity.localAddress,
      perMessageDeflate: false,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    this.ws = ws;
    this.#lastError = undefined;
    let nonce: string | undefined;
    ws.on("upgrade", (res) => {
      const header = res.headers[HELLO_NONCE_HEADER];
      nonce = typeof header === "string" ? header : undefined;
    });
    ws.on("open", () => {
      if (this.settings.mode === "bare") this.#onWelcome(undefined);
      else ws.send(JSON.stringify(this.#hello(nonce)));
    });
    ws.on("message", (data: Buffer) => this.#onMessage(data.toString("utf8")));
    ws.on("error", (error: NodeJS.ErrnoException) => {
      // refused, reset or cut: "close" follows and schedules the reconnect
      this.#lastError = error.code ?? error.message.replace(/\d+\.\d+\.\d+\.\d+(:\d+)?/g, "").trim();
    });
    ws.on("close", (code: number, reason: Buffer) => this.#onClose(ws, code, reason.toString("utf8")));
  }

  /** Queues a report and sends it now if the channel is up; it stays queued until its ack. */
  report(kind: ReportKind, frame: ReportFrame): Pending {
    return this.reportText(kind, frame.id, JSON.stringify(frame));
  }

  /** The same, for a frame already serialised (`id` is its id). */
  reportText(kind: ReportKind, id: string, text: string): Pending {
    const pending: Pending = { id, kind, text, sentAt: monoMs() };
    this.pending.set(id, pending);
    if (this.ready) this.ws?.send(pending.text);
    return pending;
  }

  pendingOf(kind: ReportKind): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.kind === kind) n++;
    return n;
  }

  stop(): void {
    this.stopped = true;
    this.ready = false;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#reconnect);
    this.ws?.terminate();
  }

  /** As the real agent's (agent/src/service/agent-service.ts): the nonce of the upgrade answer signed with the device key. */
  #hello(nonce: string | undefined): object {
    const { identity, settings } = this;
    return {
      type: "hello",
      protocol: PROTOCOL_VERSION,
      deviceId: identity.deviceId,
      credential: identity.credential,
      ...(nonce === undefined || identity.key === undefined ? {} : { signature: identity.key.signHello(nonce, identity.deviceId) }),
      agentVersion: settings.agentVersion,
      policyVersion: this.policyVersion,
      device: {
        hostname: identity.hostname,
        platform: "linux",
        osName: "Ubuntu",
        osVersion: "24.04",
        arch: "x64",
        agentVersion: settings.agentVersion,
      },
    };
  }

  #onMessage(text: string): void {
    // A pushed policy is applied by the real agent; here only its version matters, and reading it without parsing
    // 7 KB of JSON keeps the client processes from being what a push measures.
    const pushed = POLICY_PUSH.exec(text);
    if (pushed?.[1] !== undefined) {
      this.#onPolicy(Number(pushed[1]), text);
      return;
    }
    const preview = PREVIEW.exec(text);
    if (preview?.[1] !== undefined) {
      this.ws?.send(`{"type":"preview-result","id":"${preview[1]}","opened":[],"resolved":[]}`);
      return;
    }
    let frame: {
      type?: string;
      id?: string;
      heartbeatSeconds?: number;
      policy?: { version?: number };
      code?: string;
      message?: string;
      ref?: string;
    };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      return;
    }
    switch (frame.type ?? "") {
      case "welcome":
        this.#onWelcome(frame.heartbeatSeconds);
        return;
      case "ack": {
        const pending = this.pending.get(frame.id ?? "");
        if (pending === undefined) return;
        this.pending.delete(pending.id);
        this.hooks.acked(this, pending, monoMs());
        return;
      }
      case "policy":
        this.#onPolicy(frame.policy?.version ?? 0, text);
        return;
      case "error":
        if (frame.code === "rate_limited" && frame.ref !== undefined && this.pending.has(frame.ref)) {
          // Not stored: send it again a little later, as the real agent does after its next ack.
          const ref = frame.ref;
          setTimeout(() => {
            const p = this.pending.get(ref);
            if (p !== undefined && this.ready) this.ws?.send(p.text);
          }, 100).unref();
          return;
        }
        this.hooks.refused(this, frame.code ?? "unknown", frame.message ?? "");
        return;
      default:
        // Any other frame (or one without a type) is not what the bench measures.
        return;
    }
  }

  #onPolicy(version: number, raw: string): void {
    this.policyVersion = version;
    this.ws?.send(`{"type":"policy-applied","version":${version}}`);
    this.hooks.policy(this, version, monoMs(), raw);
  }

  #onWelcome(heartbeatSeconds: number | undefined): void {
    this.ready = true;
    this.#attempt = 0;
    this.welcomedAt = monoMs();
    this.welcomes++;
    if (heartbeatSeconds !== undefined) this.#startHeartbeat(heartbeatSeconds * 1000);
    // Whatever was not acknowledged is sent again, oldest first; the server stores each id once.
    for (const p of this.pending.values()) this.ws?.send(p.text);
    this.hooks.welcomed(this);
  }

  #startHeartbeat(everyMs: number): void {
    clearInterval(this.#heartbeat);
    // A random phase, as agents started at different times have.
    const first = setTimeout(() => {
      this.#sendHeartbeat();
      this.#heartbeat = setInterval(() => this.#sendHeartbeat(), everyMs);
      this.#heartbeat.unref();
    }, Math.random() * everyMs);
    first.unref();
    this.#heartbeat = first;
  }

  #sendHeartbeat(): void {
    if (this.ready) this.ws?.send(`{"type":"heartbeat","policyVersion":${this.policyVersion}}`);
  }

  #onClose(ws: WebSocket, code: number, reason: string): void {
    if (this.ws !== ws) return;
    const wasReady = this.ready;
    if (!wasReady && !this.stopped) this.hooks.failed(this, this.#lastError ?? `closed ${code} before the welcome`);
    this.ws = undefined;
    this.ready = false;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#heartbeat);
    this.hooks.closed(this, wasReady);
    if (this.stopped) return;
    // As the agent does (reconnectPlan): a window the server announced when it closed (herd control), else the backoff.
    const window = parseReconnectWindow(reason);
    if (window !== undefined) this.#attempt = 0;
    const delay = window === undefined ? this.settings.backoffDelay(this.#attempt++) : delayInWindow(window, Math.random);
    this.#reconnect = setTimeout(() => this.open(), delay);
  }
}
