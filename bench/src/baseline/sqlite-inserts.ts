// Baseline for durable ingest: bare better-sqlite3 inserts of the same report rows, in transactions as large as the server's group commit.
import path from "node:path";
import { type CheckResult, uuidv7 } from "@wegroup/shared";
import { monoMs } from "../clock.js";
import type { BenchConfig } from "../options.js";
import { variedResults } from "../payload.js";
import { progress } from "../phases/context.js";
import { reportFrame, STEADY_RESULTS } from "../reports.js";
import { type BareReportRow, openBareReportsDb } from "./reports-db.js";

export interface InsertBaseline {
  rows: number;
  batchSize: number;
  ms: number;
  rowsPerSecond: number;
  /** Mean bytes of a row's body (the report frame). */
  bodyBytes: number;
}

/** Row `i` of a run over `devices` devices: the report device `i % devices` sends with `results(device)`. */
export type RowSource = (i: number) => BareReportRow;

/** Rows as the server stores a report from one of `devices` devices; by default the steady full state. */
export function reportRows(devices: number, results: (device: number) => readonly CheckResult[] = () => STEADY_RESULTS): RowSource {
  const deviceIds = Array.from({ length: Math.max(1, devices) }, () => uuidv7());
  return (i) => {
    const id = uuidv7();
    const now = new Date();
    const device = i % deviceIds.length;
    const frame = reportFrame(id, now, 2, results(device));
    return {
      device_id: deviceIds[device] ?? "",
      id,
      observed_at: frame.observedAt,
      received_at: now.toISOString(),
      policy_version: 2,
      body: JSON.stringify(frame),
    };
  };
}

/** Inserts `count` rows, `batchSize` a transaction; only the inserts are timed (each batch is built before its clock starts). */
export function measureBareInserts(file: string, count: number, rowAt: RowSource, batchSize: number): InsertBaseline {
  const db = openBareReportsDb(file);
  try {
    let ms = 0;
    let bytes = 0;
    for (let i = 0; i < count; i += batchSize) {
      const batch: BareReportRow[] = [];
      for (let k = i; k < Math.min(count, i + batchSize); k++) batch.push(rowAt(k));
      for (const row of batch) bytes += Buffer.byteLength(row.body);
      const startedAt = monoMs();
      db.insertBatch(batch);
      ms += monoMs() - startedAt;
    }
    if (db.count() !== count) throw new Error(`bare inserts stored ${db.count()} of ${count} rows`);
    return { rows: count, batchSize, ms, rowsPerSecond: (count / ms) * 1000, bodyBytes: bytes / Math.max(1, count) };
  } finally {
    db.close();
  }
}

/** Both bare insert baselines of the fleet group: the steady report rows, and the realistic payload's bodies. */
export function bareInsertBaselines(
  config: BenchConfig,
  tmp: string,
  payloadResults: readonly CheckResult[],
): { inserts: InsertBaseline; payloadInserts: InsertBaseline } {
  progress(`bare better-sqlite3: ${config.sqliteRows} report rows, 256 per transaction`);
  const inserts = measureBareInserts(path.join(tmp, "bare-inserts.db"), config.sqliteRows, reportRows(config.agents), 256);
  progress(`bare better-sqlite3: ${config.payloadRows} realistic report rows (the same bodies), 256 per transaction`);
  const payloadInserts = measureBareInserts(
    path.join(tmp, "bare-payload-inserts.db"),
    config.payloadRows,
    reportRows(config.agents, (device) => variedResults(payloadResults, device)),
    256,
  );
  return { inserts, payloadInserts };
}
