// Bare better-sqlite3 storage of report rows with the server's table shape and durability (WAL, synchronous=FULL): the floor ingest is compared with.
import Database from "better-sqlite3";

export interface BareReportRow {
  device_id: string;
  id: string;
  observed_at: string;
  received_at: string;
  policy_version: number;
  body: string;
}

export interface BareReportsDb {
  /** One transaction for the whole batch, as one group commit of the server. */
  insertBatch(rows: readonly BareReportRow[]): void;
  count(): number;
  close(): void;
}

export function openBareReportsDb(file: string): BareReportsDb {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  // The server's reports table: primary key (device, report id) so a resend is stored once, and its received_at index.
  db.exec(`CREATE TABLE IF NOT EXISTS reports (
    device_id TEXT NOT NULL, id TEXT NOT NULL, observed_at TEXT NOT NULL, received_at TEXT NOT NULL,
    policy_version INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (device_id, id))`);
  db.exec("CREATE INDEX IF NOT EXISTS reports_received_at ON reports (received_at)");
  const insert = db.prepare(
    "INSERT INTO reports (device_id, id, observed_at, received_at, policy_version, body) VALUES (@device_id, @id, @observed_at, @received_at, @policy_version, @body) ON CONFLICT DO NOTHING",
  );
  const insertBatch = db.transaction((rows: readonly BareReportRow[]) => {
    for (const row of rows) insert.run(row);
  });
  return {
    insertBatch: (rows) => insertBatch(rows),
    count: () => (db.prepare("SELECT count(*) AS n FROM reports").get() as { n: number }).n,
    close: () => db.close(),
  };
}
