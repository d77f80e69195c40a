// Durable ingest: every agent keeps reports in flight as fast as acks return; reports stored and acknowledged per second.
import type { ClosedLoopAnswer } from "../client/commands.js";
import { monoMs } from "../clock.js";
import { type ProductContext, progress } from "./context.js";

export interface IngestResult {
  reportsPerSecond: number;
  ackedInWindow: number;
  seconds: number;
  inFlight: number;
  unacked: number;
}

/** Enough reports in flight to fill the server's group commit (256) several times over, however many agents there are. */
export const inFlightPerAgent = (agents: number): number => Math.max(1, Math.ceil(2_000 / agents));

export async function closedLoopIngest(ctx: ProductContext): Promise<IngestResult> {
  const { config, pool } = ctx;
  const window = inFlightPerAgent(config.agents);
  const startAt = monoMs() + 300;
  const measureFrom = startAt + 1_000;
  const endAt = startAt + config.ingestSeconds * 1000;
  progress(`ingest: ${config.agents} agents × ${window} report(s) in flight for ${config.ingestSeconds} s`);
  const answers = await pool.all<ClosedLoopAnswer>(
    "closedLoop",
    { startAt, measureFrom, endAt, window },
    config.ingestSeconds * 1000 + 90_000,
  );
  ctx.windows.push({ name: `durable ingest (${config.agents} agents, closed loop)`, from: measureFrom, to: endAt });
  const ackedInWindow = answers.reduce((n, a) => n + a.ackedInWindow, 0);
  const seconds = (endAt - measureFrom) / 1000;
  const unacked = answers.reduce((n, a) => n + a.unacked, 0);
  if (unacked > 0) ctx.notes.push(`ingest: ${unacked} reports were still unacknowledged 60 s after the load stopped`);
  const result = { reportsPerSecond: ackedInWindow / seconds, ackedInWindow, seconds, inFlight: window * config.agents, unacked };
  progress(`ingest: ${result.reportsPerSecond.toFixed(0)} reports/s stored and acked`);
  return result;
}
