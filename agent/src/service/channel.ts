// What the service needs from its transport and its timers: injected, so that the service's wiring is driven in tests without a socket or a wait.
import type { AgentFrame, HelloFrame, ServerFrame } from "@wegroup/shared";

export type ChannelState = "connecting" | "connected" | "waiting" | "stopped";

/** The agent's channel to the server (connection.ts over a WebSocket). */
export interface Channel {
  readonly state: ChannelState;
  start(): void;
  /** Sends a frame if the channel is open; false when it is not (the caller keeps it queued). */
  send(frame: AgentFrame): boolean;
  /** The server welcomed this connection. */
  accepted(): void;
  /** The server acknowledged a report on this connection. */
  proven(): void;
  /** Sends `last` (a goodbye), waits for it to leave, and closes for good. */
  stop(last?: AgentFrame): Promise<void>;
  on(event: "frame", listener: (frame: ServerFrame) => void): unknown;
  on(event: "invalid", listener: (detail: string, raw: unknown) => void): unknown;
  on(event: "state", listener: (state: ChannelState, detail?: string) => void): unknown;
}

/** Makes the service's channel; `hello` answers the first frame of each connection (`nonce`: from the upgrade answer). */
export type OpenChannel = (hello: (nonce: string | undefined) => HelloFrame) => Channel;

/** Timers, injectable: `every` and `after` answer a cancel function. A one-off timer does not keep the process alive. */
export interface Scheduler {
  every(ms: number, run: () => void): () => void;
  after(ms: number, run: () => void): () => void;
}

export const timerScheduler: Scheduler = {
  every(ms, run) {
    const timer = setInterval(run, ms);
    return () => clearInterval(timer);
  },
  after(ms, run) {
    const timer = setTimeout(run, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};
