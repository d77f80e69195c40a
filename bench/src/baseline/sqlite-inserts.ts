// Baseline for durable ingest: bare better-sqlite3 inserts of the same report rows, in transactions as large as the server's group commit.
import { uuidv7 } from "@wegroup/shared";
import { monoMs } from "../clock.js";
import { reportFrame, STEADY_RESULTS } from "../reports.js";
import { type BareReportRow, openBareReportsDb } from "./reports-db.js";

export interface InsertBaseline {
  rows: number;
  batchSize: number;
  ms: number;
  rowsPerSecond: number;
}

/** Rows as the server stores a steady report from one of `devices` devices. */
export function reportRows(count: number, devices: number): BareReportRow[] {
  const deviceIds = Array.from({ length: Math.max(1, devices) }, () => uuidv7());
  const rows: BareReportRow[] = [];
  for (let i = 0; i < count; i++) {
    const id = uuidv7();
    const now = new Date();
    const frame = reportFrame(id, now, 2, STEADY_RESULTS);
    rows.push({
      device_id: deviceIds[i % deviceIds.length] ?? "",
      id,
      observed_at: frame.observedAt,
      received_at: now.toISOString(),
      policy_version: 2,
      body: JSON.stringify(frame),
    });
  }
  return rows;
}

export function measureBareInserts(file: string, rows: readonly BareReportRow[], batchSize: number): InsertBaseline {
  const db = openBareReportsDb(file);
  try {
    const startedAt = monoMs();
    for (let i = 0; i < rows.length; i += batchSize) db.insertBatch(rows.slice(i, i + batchSize));
    const ms = monoMs() - startedAt;
    if (db.count() !== rows.length) throw new Error(`bare inserts stored ${db.count()} of ${rows.length} rows`);
    return { rows: rows.length, batchSize, ms, rowsPerSecond: (rows.length / ms) * 1000 };
  } finally {
    db.close();
  }
}
