// Test support: the service's channel and timers in memory — what the service sent is recorded, what the server
// says is played to it, and time moves only when the test says so.
import { EventEmitter } from "node:events";
import type { AgentFrame, HelloFrame, ServerFrame } from "@wegroup/shared";
import type { Channel, ChannelState, Scheduler } from "../service/channel.js";

interface ScriptedChannelEvents {
  frame: [frame: ServerFrame];
  invalid: [detail: string, raw: unknown];
  state: [state: ChannelState, detail?: string];
}

export class ScriptedChannel extends EventEmitter<ScriptedChannelEvents> implements Channel {
  state: ChannelState = "waiting";
  /** Every frame the service sent while open, in order (the hello first on each connection). */
  readonly sent: AgentFrame[] = [];
  /** What `stop` was handed to send last. */
  last: AgentFrame | undefined;

  constructor(private readonly hello: (nonce: string | undefined) => HelloFrame) {
    super();
  }

  start(): void {
    this.open();
  }

  /** A (re)connection: the hello goes out at once. */
  open(): void {
    this.setState("connecting");
    this.sent.push(this.hello(undefined));
  }

  /** The server (or the network) dropped the connection. */
  drop(): void {
    this.setState("waiting", "closed (1006)");
  }

  send(frame: AgentFrame): boolean {
    if (this.state !== "connecting" && this.state !== "connected") return false;
    this.sent.push(frame);
    return true;
  }

  accepted(): void {
    this.setState("connected");
  }

  proven(): void {}

  async stop(last?: AgentFrame): Promise<void> {
    if (last !== undefined && this.send(last)) this.last = last;
    this.setState("stopped");
  }

  /** The server sends this frame. */
  play(frame: ServerFrame): void {
    this.emit("frame", frame);
  }

  sentOf<T extends AgentFrame["type"]>(type: T): Extract<AgentFrame, { type: T }>[] {
    return this.sent.filter((f): f is Extract<AgentFrame, { type: T }> => f.type === type);
  }

  private setState(state: ChannelState, detail?: string): void {
    this.state = state;
    this.emit("state", state, detail);
  }
}

/** Timers that fire only when `advance` moves the test's clock past them. */
export class ManualScheduler implements Scheduler {
  now = 0;
  #timers: { at: number; every?: number; run: () => void; cancelled: boolean }[] = [];

  every(ms: number, run: () => void): () => void {
    return this.#add({ at: this.now + ms, every: ms, run, cancelled: false });
  }

  after(ms: number, run: () => void): () => void {
    return this.#add({ at: this.now + ms, run, cancelled: false });
  }

  /** Timers still set: their period (`every`) or delay left (`after`). */
  pending(): { every?: number; inMs: number }[] {
    return this.#timers
      .filter((t) => !t.cancelled)
      .map((t) => ({ ...(t.every === undefined ? {} : { every: t.every }), inMs: t.at - this.now }));
  }

  /** Moves time on by `ms`, firing what falls due in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.now = due.at;
      if (due.every === undefined) due.cancelled = true;
      else due.at += due.every;
      due.run();
    }
    this.now = end;
    this.#timers = this.#timers.filter((t) => !t.cancelled);
  }

  #add(timer: { at: number; every?: number; run: () => void; cancelled: boolean }): () => void {
    this.#timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }
}
