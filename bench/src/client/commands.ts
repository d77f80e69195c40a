// The commands a client process takes from the bench, and what it answers: one typed contract for both ends.
import type { CheckResult } from "@wegroup/shared";

export interface InitArgs {
  mode: "product" | "bare";
  /** ws:// URL of the agent channel (product) or of the bare ws server. */
  url: string;
  /** http:// base URL for enrollment (product only). */
  baseUrl: string;
  secret: string;
  /** The global indexes of this process's agents: [first, first + count). */
  first: number;
  count: number;
  /** Distinguishes this run's devices from an earlier run's in a persistent database. */
  runId: string;
}

export interface EnrollAnswer {
  enrolled: number;
  firstAt: number;
  lastAt: number;
}

export interface ConnectAnswer {
  connected: number;
  lastWelcomeAt: number;
  /** The last policy-applied sent in answer to the policy the server pushed on hello (0 if none came). */
  lastPolicyAt: number;
  /** The last ack of the full-state reports sent on connect. */
  lastAckAt: number;
  attempts: number;
  /** Connection attempts that failed before the welcome, by cause. */
  failures: Record<string, number>;
}

export interface PolicyAnswer {
  applied: number;
  lastAppliedAt: number;
  firstReceivedAt: number;
  /** One agent's copy of the pushed frame, byte for byte (for the bare broadcast of the same bytes). */
  raw: string;
}

export interface ClosedLoopArgs {
  startAt: number;
  measureFrom: number;
  endAt: number;
  window: number;
  /** The realistic payload's results (src/payload.ts), varied per agent; absent: the steady full state. */
  payload?: CheckResult[];
  /** Only the agents whose global index is below this take part (absent: all). */
  participants?: number;
  /** How long the loop waits, after `endAt`, for its last reports to be acked (default 60 s). */
  drainMs?: number;
}

export interface ClosedLoopAnswer {
  sent: number;
  acked: number;
  ackedInWindow: number;
  unacked: number;
  /** Bytes of the report frames sent. */
  bytes: number;
}

export interface PayloadPrimeArgs {
  payload: CheckResult[];
  timeoutMs: number;
}

export interface PayloadPrimeAnswer {
  /** Agents that sent their first realistic report. */
  sent: number;
  acked: number;
  /** The last of their acks (monotonic ms; 0 if none). */
  lastAckAt: number;
  bytes: number;
}

export interface PacedArgs {
  startAt: number;
  endAt: number;
  /** Reports a second from this process. */
  rate: number;
}

export interface PacedAnswer {
  sent: number;
  acked: number;
  /** Every report's send → ack time, ms. */
  ackLatencies: number[];
  /** Reports that open a violation: [subject, sent at (monotonic ms)]. */
  opened: [string, number][];
  /** Sends the pacer wanted but every agent had one in flight. */
  skipped: number;
}

export interface StormStartArgs {
  rate: number;
}

export interface StormAnswer {
  /** [device id, report id, acknowledged (1) or still queued (0)] of every storm report sent. */
  sent: [string, string, 0 | 1][];
  acked: number;
  unacked: number;
}

export interface ReconnectStatus {
  agents: number;
  /** Welcomed and connected now. */
  ready: number;
  /** Agents that lost a welcomed connection since `after`. */
  dropped: number;
  /** Of those, welcomed again since. */
  back: number;
  lastWelcomeAt: number;
  /** Each agent back: `after` → its welcome, ms. */
  delays: number[];
  attempts: number;
  failures: Record<string, number>;
}

export interface ReconnectAnswer {
  /** Agents welcomed again (all of them, unless the wait timed out). */
  connected: number;
  agents: number;
  lastWelcomeAt: number;
  attempts: number;
  failures: Record<string, number>;
  /** Each reconnected agent's restart → welcome time, ms. */
  delays: number[];
}
