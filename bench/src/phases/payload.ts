// Durable ingest of realistic reports: every agent's full state carries the real agent's software result on a demo
// inventory (hundreds of titles judged, tens of violations); first report (violations open), then a closed loop.
import { MAX_FRAME_BYTES } from "@wegroup/shared";
import type { ClosedLoopAnswer, PayloadPrimeAnswer } from "../client/commands.js";
import { monoMs } from "../clock.js";
import { loadPayload, type Payload } from "../payload.js";
import { max } from "../stats.js";
import { type ProductContext, progress } from "./context.js";

/** Realistic reports in flight in the closed loop (the server's group commit is 256). */
const PAYLOAD_IN_FLIGHT = 512;
const PAYLOAD_DRAIN_MS = 180_000;

export interface PayloadResult {
  bundle: string;
  titles: number | null;
  /** Violations in the unvaried result (each agent reports about four in five of the unapproved titles). */
  violations: number;
  /** The largest frame an agent sends, and the protocol's limit. */
  maxFrameBytes: number;
  limitBytes: number;
  /** Every agent's first realistic report: sent → last ack (its violations open then). */
  primeMs: number;
  primed: number;
  primeAcked: number;
  /** The closed loop that follows (a steady state: nothing opens or resolves). */
  reportsPerSecond: number;
  ackedInWindow: number;
  seconds: number;
  inFlight: number;
  unacked: number;
  /** Mean bytes of a report frame sent in the loop. */
  bytesPerReport: number;
}

export async function payloadIngest(ctx: ProductContext): Promise<{ result: PayloadResult; payload: Payload }> {
  const { config, pool } = ctx;
  const payload = await loadPayload();
  progress(
    `realistic payload: ${payload.bundle} judged by the built agent (${payload.titles ?? "?"} titles, ${payload.violations} violations, frame ${payload.maxFrameBytes} bytes of at most ${MAX_FRAME_BYTES})`,
  );
  const primeStart = monoMs();
  const primed = await pool.all<PayloadPrimeAnswer>("payloadPrime", { payload: payload.results, timeoutMs: 240_000 }, 250_000);
  const primedCount = primed.reduce((n, p) => n + p.sent, 0);
  const primeAcked = primed.reduce((n, p) => n + p.acked, 0);
  const primeMs = max(primed.map((p) => p.lastAckAt)) - primeStart;
  ctx.windows.push({ name: `realistic payload, first report of ${primedCount} agents`, from: primeStart, to: monoMs() });
  if (primeAcked < primedCount) ctx.notes.push(`payload: ${primedCount - primeAcked} first realistic reports were not acked within 240 s`);
  progress(`realistic payload: ${primeAcked} first reports acked in ${(primeMs / 1000).toFixed(2)} s; closed loop`);

  // Realistic reports cost the server far more than steady ones: a bounded number in flight (two group commits),
  // so that the loop's last reports drain before the next phase instead of loading it.
  const participants = Math.min(config.agents, PAYLOAD_IN_FLIGHT);
  const window = Math.max(1, Math.ceil(PAYLOAD_IN_FLIGHT / participants));
  const startAt = monoMs() + 300;
  const measureFrom = startAt + 1_000;
  const endAt = startAt + config.ingestSeconds * 1000;
  const answers = await pool.all<ClosedLoopAnswer>(
    "closedLoop",
    { startAt, measureFrom, endAt, window, payload: payload.results, participants, drainMs: PAYLOAD_DRAIN_MS },
    config.ingestSeconds * 1000 + PAYLOAD_DRAIN_MS + 30_000,
  );
  ctx.windows.push({ name: `realistic payload ingest (${config.agents} agents, closed loop)`, from: measureFrom, to: endAt });
  const ackedInWindow = answers.reduce((n, a) => n + a.ackedInWindow, 0);
  const sent = answers.reduce((n, a) => n + a.sent, 0);
  const unacked = answers.reduce((n, a) => n + a.unacked, 0);
  if (unacked > 0)
    ctx.notes.push(
      `payload: ${unacked} realistic reports were still unacknowledged ${PAYLOAD_DRAIN_MS / 1000} s after the load stopped (the next phases ran with them queued)`,
    );
  const seconds = (endAt - measureFrom) / 1000;
  const result: PayloadResult = {
    bundle: payload.bundle,
    titles: payload.titles,
    violations: payload.violations,
    maxFrameBytes: payload.maxFrameBytes,
    limitBytes: MAX_FRAME_BYTES,
    primeMs,
    primed: primedCount,
    primeAcked,
    reportsPerSecond: ackedInWindow / seconds,
    ackedInWindow,
    seconds,
    inFlight: window * participants,
    unacked,
    bytesPerReport: answers.reduce((n, a) => n + a.bytes, 0) / Math.max(1, sent),
  };
  progress(
    `realistic payload: ${result.reportsPerSecond.toFixed(0)} reports/s stored and acked, ${result.bytesPerReport.toFixed(0)} bytes each`,
  );
  return { result, payload };
}
