// Feed latency: ~1,000 reports/s, half of them opening a violation; time from sending such a report to its event on the live feed (or to its ack, when there is no feed).
import type { PacedAnswer } from "../client/commands.js";
import { monoMs, sleep, waitFor } from "../clock.js";
import { FeedListener } from "../feed.js";
import { percentile } from "../stats.js";
import { type ProductContext, progress } from "./context.js";

export interface LatencyResult {
  sent: number;
  /** Reports a second actually sent. */
  rate: number;
  ackP50: number;
  ackP99: number;
  /** Null when the server has no live feed. */
  feed: { p50: number; p99: number; matched: number; missing: number } | null;
  feedStatus: number | null;
}

export async function feedLatency(ctx: ProductContext): Promise<LatencyResult> {
  const { config, pool } = ctx;
  const listener = await FeedListener.connect(ctx.api.baseUrl, ctx.adminToken);
  const feed = listener instanceof FeedListener ? listener : undefined;
  if (feed === undefined)
    ctx.notes.push(
      `GET /api/v1/violations/stream answered HTTP ${(listener as { status: number }).status}: no live feed yet, so report → ack latency stands in for report → feed event`,
    );
  await sleep(300);
  progress(
    `feed latency: ${config.feedRate} reports/s for ${config.feedSeconds} s${feed === undefined ? " (no live feed: report → ack)" : ""}`,
  );
  const startAt = monoMs() + 200;
  const endAt = startAt + config.feedSeconds * 1000;
  const answers = await pool.all<PacedAnswer>(
    "paced",
    { startAt, endAt, rate: config.feedRate / pool.clients.length },
    config.feedSeconds * 1000 + 90_000,
  );
  ctx.windows.push({ name: `feed latency load (${config.feedRate} reports/s)`, from: startAt, to: endAt });
  const sent = answers.reduce((n, a) => n + a.sent, 0);
  const skipped = answers.reduce((n, a) => n + a.skipped, 0);
  if (skipped > 0) ctx.notes.push(`feed latency: ${skipped} paced reports skipped (every agent had one in flight)`);
  const acks = answers.flatMap((a) => a.ackLatencies);
  const opened = answers.flatMap((a) => a.opened);
  let feedFigures: LatencyResult["feed"] = null;
  if (feed !== undefined) {
    await waitFor(() => opened.every(([subject]) => feed.openedAt.has(subject)), 10_000, "every probe's event on the feed").catch(
      () => undefined,
    );
    await feed.close();
    const latencies: number[] = [];
    for (const [subject, sentAt] of opened) {
      const at = feed.openedAt.get(subject);
      if (at !== undefined) latencies.push(at - sentAt);
    }
    const missing = opened.length - latencies.length;
    if (missing > 0)
      ctx.notes.push(`feed latency: ${missing} of ${opened.length} opened violations never appeared on the feed within 10 s`);
    feedFigures = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), matched: latencies.length, missing };
  }
  const result: LatencyResult = {
    sent,
    rate: sent / config.feedSeconds,
    ackP50: percentile(acks, 50),
    ackP99: percentile(acks, 99),
    feed: feedFigures,
    feedStatus: feed === undefined ? (listener as { status: number }).status : 200,
  };
  progress(
    `feed latency: ack p50 ${result.ackP50.toFixed(1)} ms p99 ${result.ackP99.toFixed(1)} ms${feedFigures !== null ? `; feed p50 ${feedFigures.p50.toFixed(1)} ms p99 ${feedFigures.p99.toFixed(1)} ms` : ""}`,
  );
  return result;
}
