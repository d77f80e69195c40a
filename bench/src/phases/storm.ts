// Reconnect storm: the server process is restarted under every connected agent while reports keep flowing; time until all are back, and proof that no report was lost or stored twice.
import type { Violation } from "@wegroup/shared";
import Database from "better-sqlite3";
import path from "node:path";
import type { ReconnectAnswer, StormAnswer } from "../client/commands.js";
import { monoMs, sleep } from "../clock.js";
import { ServerUnderTest } from "../proc/server-process.js";
import { STORM_PREFIX } from "../reports.js";
import { listenOverflows, overflowsBetween } from "../proc/netstat.js";
import { max, mergeCounts, percentile } from "../stats.js";

/** How long the storm waits for every agent to be back before it reports those that were. */
const STORM_WAIT_MS = 180_000;

import { type ProductContext, progress } from "./context.js";

export interface StormResult {
  /** SIGTERM → last agent welcomed by the new process. */
  reconnectMs: number;
  /** SIGTERM → the new process listening. */
  downMs: number;
  /** SIGTERM → the old process exited (its graceful stop). */
  stopMs: number;
  attempts: number;
  /** Agents back within the wait, of how many. */
  reconnected: number;
  agents: number;
  /** Restart → welcome per agent: median, 90th percentile. */
  delayP50Ms: number;
  delayP90Ms: number;
  failures: Record<string, number>;
  listenOverflows: number | null;
  sent: number;
  acked: number;
  /** Acknowledged but not found through the API: an ack that was not durable. */
  lost: number;
  /** Not acknowledged when the wait ended: still queued at their agents (not lost: they resend after a reconnect). */
  queued: number;
  /** Of the queued ones, those already stored (their violation is there): the ack had not arrived. */
  queuedStored: number;
  /** Reports that opened more than one violation (i.e. were applied twice). */
  duplicated: number;
  /** Rows in the reports table for the acknowledged storm reports (SQLite only; null on PostgreSQL). */
  storedRows: number | null;
  /** Several instances: one was killed (SIGKILL) instead of the restart; `agents` are those it disconnected. */
  killedInstance?: { agentsOnIt: number; instances: number };
}

export async function reconnectStorm(ctx: ProductContext): Promise<StormResult> {
  const { config, pool } = ctx;
  progress(`reconnect storm: ${config.stormRate} reports/s flowing, restarting the server under ${config.agents} agents`);
  await pool.all("stormStart", { rate: config.stormRate / pool.clients.length }, 10_000);
  await sleep(config.quick ? 1_000 : 1_500);
  const old = ctx.server;
  if (old.options.cpuProfileDir !== undefined && !(await old.writeProfile()))
    ctx.notes.push("--profile: the server's CPU profile could not be written");
  const overflowsBefore = await listenOverflows();
  const { signalledAt, exitedAt, killed } = await old.stop(config.stopGraceMs);
  if (killed)
    ctx.notes.push(
      `storm: the server had not stopped ${config.stopGraceMs / 1000} s after SIGTERM and was killed (SIGKILL), as a service manager would; that wait is part of the figure`,
    );
  const profileDir = old.options.cpuProfileDir === undefined ? undefined : `${old.options.cpuProfileDir}-restarted`;
  ctx.server = await ServerUnderTest.start({ ...old.options, listen: `127.0.0.1:${old.port}`, cpuProfileDir: profileDir });
  const downMs = monoMs() - signalledAt;
  const back = await pool.all<ReconnectAnswer>("waitReconnected", { after: signalledAt, timeoutMs: STORM_WAIT_MS }, STORM_WAIT_MS + 10_000);
  const overflows = overflowsBetween(overflowsBefore, await listenOverflows());
  const reconnected = back.reduce((n, b) => n + b.connected, 0);
  const agents = back.reduce((n, b) => n + b.agents, 0);
  if (reconnected < agents)
    ctx.notes.push(
      `storm: only ${reconnected} of ${agents} agents were back ${STORM_WAIT_MS / 1000} s after the restart; the time shown is until the last of those`,
    );
  const reconnectMs = max(back.map((b) => b.lastWelcomeAt)) - signalledAt;
  ctx.restartWindows.push({ name: `reconnect storm (${agents} agents, restarted process)`, from: signalledAt, to: monoMs() });
  const delays = back.flatMap((b) => b.delays);
  progress(`reconnect storm: server back after ${(downMs / 1000).toFixed(2)} s, all agents after ${(reconnectMs / 1000).toFixed(2)} s`);
  await sleep(1_000);
  const accounted = await accountStorm(
    ctx,
    reconnected === agents,
    config.db === undefined ? path.join(old.options.dataDir, "compliance.db") : undefined,
  );
  const result: StormResult = {
    reconnectMs,
    downMs,
    stopMs: exitedAt - signalledAt,
    attempts: back.reduce((n, b) => n + b.attempts, 0),
    reconnected,
    agents,
    delayP50Ms: percentile(delays, 50),
    delayP90Ms: percentile(delays, 90),
    failures: mergeCounts(back.map((b) => b.failures)),
    listenOverflows: overflows,
    ...accounted,
  };
  return result;
}

/** What the storm's accounting answers: every storm report sent, and what became of it. */
export type StormAccount = Pick<StormResult, "sent" | "acked" | "lost" | "queued" | "queuedStored" | "duplicated" | "storedRows">;

/**
 * Stops the storm reports and checks each one: acked → exactly one violation through the API (and, on SQLite, one
 * row in `reports` of `sqliteFile`); not acked → still queued at its agent.
 */
export async function accountStorm(ctx: ProductContext, allBack: boolean, sqliteFile: string | undefined): Promise<StormAccount> {
  const { pool } = ctx;
  // Agents that are back deliver what they queued within seconds; those that are not keep it queued.
  const stopped = await pool.all<StormAnswer>("stormStop", { timeoutMs: allBack ? 60_000 : 15_000 }, 70_000);
  const sent = stopped.flatMap((s) => s.sent);
  const acked = stopped.reduce((n, s) => n + s.acked, 0);

  // Each storm report fails usb-storage with its own subject: stored and applied once = exactly one violation row.
  const rows = new Map<string, number>();
  for await (const page of ctx.api.pages<Violation>("/api/v1/violations?status=all&check=usb-storage&limit=1000")) {
    for (const v of page) if (v.subject.startsWith(STORM_PREFIX)) rows.set(v.subject, (rows.get(v.subject) ?? 0) + 1);
  }
  let lost = 0;
  let queued = 0;
  let queuedStored = 0;
  for (const [, id, acked] of sent) {
    const stored = rows.has(`${STORM_PREFIX}${id}`);
    if (acked === 0) {
      queued++;
      if (stored) queuedStored++;
    } else if (!stored) lost++;
  }
  let duplicated = 0;
  for (const n of rows.values()) if (n > 1) duplicated++;
  const ackedPairs = sent.filter(([, , a]) => a === 1).map(([device, id]): [string, string] => [device, id]);
  const storedRows = sqliteFile !== undefined ? countStoredReports(sqliteFile, ackedPairs) : null;
  if (storedRows !== null && storedRows !== ackedPairs.length)
    ctx.notes.push(`storm: ${ackedPairs.length} reports acknowledged, ${storedRows} of them in the reports table`);
  if (queued > 0)
    ctx.notes.push(
      `storm: ${queued} reports still unacknowledged at their agents when the wait ended (${allBack ? "every agent was back" : "not every agent was back"}); ${queuedStored} of them already show as a violation (stored, ack not yet received). Not lost: an agent keeps a report until its ack and sends it again on reconnect`,
    );
  progress(
    `storm: ${sent.length} reports sent, ${acked} acked, ${queued} still queued, ${lost} acked but not stored, ${duplicated} applied twice${storedRows !== null ? `, ${storedRows} rows stored` : ""}`,
  );
  return { sent: sent.length, acked, lost, queued, queuedStored, duplicated, storedRows };
}

/** Read-only look at the SQLite file: how many rows the storm's (device, id) pairs have (the primary key allows one each). */
function countStoredReports(file: string, sent: readonly [string, string][]): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    let n = 0;
    for (let i = 0; i < sent.length; i += 400) {
      const part = sent.slice(i, i + 400);
      const where = part.map(() => "(device_id = ? AND id = ?)").join(" OR ");
      const row = db.prepare(`SELECT count(*) AS n FROM reports WHERE ${where}`).get(...part.flat()) as { n: number };
      n += row.n;
    }
    return n;
  } finally {
    db.close();
  }
}
