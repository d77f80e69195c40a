// The agent's WebSocket channel: hello, frames in and out, reconnect with jittered backoff. No policy logic.
import { EventEmitter } from "node:events";
import WebSocket from "ws";
import {
  type AgentFrame,
  HELLO_NONCE_HEADER,
  type HelloFrame,
  MAX_FRAME_BYTES,
  parseReconnectWindow,
  type ReconnectWindow,
  ServerFrame,
} from "@wegroup/shared";
import type { Logger } from "pino";
import { type BackoffOptions, reconnectPlan } from "./backoff.js";
import type { Channel, ChannelState } from "./channel.js";
import { decodeServerFrame } from "./server-frames.js";

/** The server closes with this when the device credential is unknown or was replaced by a re-enrollment. */
const CLOSE_UNAUTHORIZED = 4401;

export interface ConnectionOptions {
  url: string;
  ca?: Buffer;
  /** `nonce`: what the server's upgrade answer carried; the hello signs it. */
  hello: (nonce: string | undefined) => HelloFrame;
  logger: Logger;
  backoff: BackoffOptions;
  random: () => number;
  /** Milliseconds since the epoch (injectable for tests). */
  now?: () => number;
  /** A connection that stayed up this long after its welcome has proven healthy (see failuresAfter). */
  healthyAfterMs?: number;
}

export type ConnectionState = ChannelState;

export interface ConnectionEvents {
  frame: [frame: ServerFrame];
  /** A frame that did not validate; `raw` is its type if it had one, for the error answer. */
  invalid: [detail: string, raw: unknown];
  state: [state: ConnectionState, detail?: string];
}

export class Connection extends EventEmitter<ConnectionEvents> implements Channel {
  private socket: WebSocket | undefined;
  /** The backoff step of the next reconnect: it grows with each one and only a healthy connection resets it. */
  private attempt = 0;
  private welcomedAt: number | undefined;
  private acked = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  state: ConnectionState = "waiting";

  constructor(private readonly options: ConnectionOptions) {
    super();
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN && this.state === "connected";
  }

  /** Sends a frame if the channel is open; false when it is not (the caller keeps it queued). */
  send(frame: AgentFrame): boolean {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  /** Marks the connection as accepted by the server (after its first `welcome`); the backoff resets only once it has proven healthy. */
  accepted(): void {
    this.welcomedAt ??= this.now();
    this.setState("connected");
  }

  /** The server acknowledged a report on this connection: it has proven healthy. */
  proven(): void {
    this.acked = true;
  }

  /** Sends `last` (e.g. goodbye), waits for it to leave, and closes for good. */
  async stop(last?: AgentFrame): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const socket = this.socket;
    if (socket !== undefined && socket.readyState === WebSocket.OPEN) {
      if (last !== undefined) await new Promise<void>((resolve) => socket.send(JSON.stringify(last), () => resolve()));
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          socket.terminate();
          resolve();
        }, 2_000);
        socket.once("close", () => {
          clearTimeout(t);
          resolve();
        });
        socket.close(1000, "agent stopping");
      });
    } else socket?.terminate();
    this.setState("stopped");
  }

  private open(): void {
    if (this.stopped) return;
    this.setState("connecting");
    this.welcomedAt = undefined;
    this.acked = false;
    const socket = new WebSocket(this.options.url, {
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: 15_000,
      perMessageDeflate: false,
      ...(this.options.ca !== undefined ? { ca: this.options.ca } : {}),
    });
    this.socket = socket;
    let nonce: string | undefined;
    socket.on("upgrade", (res) => {
      const header = res.headers[HELLO_NONCE_HEADER];
      nonce = typeof header === "string" ? header : undefined;
    });
    socket.on("open", () => socket.send(JSON.stringify(this.options.hello(nonce))));
    socket.on("message", (data, isBinary) => this.receive(data, isBinary));
    socket.on("error", (error) => this.options.logger.debug({ err: error.message }, "connection error"));
    socket.on("close", (code, reason) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.stopped) return;
      const why = `closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ""})`;
      if (code === CLOSE_UNAUTHORIZED) {
        this.options.logger.error(
          { code },
          "the server refused this device's credential: enroll again (compliance-agent enroll --server URL --secret SECRET)",
        );
      }
      this.scheduleReconnect(why, parseReconnectWindow(reason.toString()));
    });
    socket.on("unexpected-response", (_req, res) => {
      this.options.logger.warn({ status: res.statusCode }, "the server refused the WebSocket upgrade");
      socket.terminate();
    });
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    const decoded = decodeServerFrame(data, isBinary);
    if (decoded.ok) this.emit("frame", decoded.frame);
    else this.emit("invalid", decoded.detail, decoded.raw);
  }

  /** `window`: when the server said to come back, if it did. */
  private scheduleReconnect(why: string, window?: ReconnectWindow): void {
    const ended = { ...(this.welcomedAt === undefined ? {} : { welcomedAt: this.welcomedAt }), closedAt: this.now(), acked: this.acked };
    const { delayMs: delay, nextAttempt } = reconnectPlan(
      this.attempt,
      ended,
      window,
      this.options.backoff,
      this.options.random,
      this.options.healthyAfterMs,
    );
    this.attempt = nextAttempt;
    this.setState("waiting", `${why}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
    this.timer = setTimeout(() => this.open(), delay);
    this.timer.unref?.();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private setState(state: ConnectionState, detail?: string): void {
    if (this.state === state && detail === undefined) return;
    this.state = state;
    this.emit("state", state, detail);
  }
}
