// The privacy export: everything held about one device, or every stored item that names one user, as one JSON document.
import type { PrivacyExport } from "@wegroup/shared";
import type { Store } from "../store/db.js";
import { type Row, rowsMentioning, rowsWhere, tableColumns } from "../store/privacy.js";
import type { Db } from "../store/schema.js";
import { detailNamesUser, isViolationTexts, textNeedles, type UserMatcher, userMatcher, userViolationsOf, violationNamesUser } from "./names.js";
import { camelRow, type JsonObject, parseJson } from "./rows.js";

export type PrivacyTarget = { kind: "device"; id: string } | { kind: "user"; name: string };

/** Answers undefined for a device that does not exist; a user is never "not found" (the export is then empty). */
export async function exportPrivacyData(store: Store, target: PrivacyTarget, now: string): Promise<PrivacyExport | undefined> {
  const db = store.db;
  return target.kind === "device" ? exportDevice(store, db, target.id, now) : exportUser(store, db, target.name, now);
}

export function exportCounts(doc: PrivacyExport): Record<string, number> {
  return { device: doc.device === null ? 0 : 1, results: doc.results.length, reports: doc.reports.length, violations: doc.violations.length, events: doc.events.length, exemptions: doc.exemptions.length };
}

async function exportDevice(store: Store, db: Db, id: string, now: string): Promise<PrivacyExport | undefined> {
  const [device] = await rowsWhere(db, "devices", "id", id, "id");
  if (device === undefined) return undefined;
  const exemptions = await exemptionsOfDevice(store, db, id);
  return {
    format: "compliance-privacy-export/1",
    exportedAt: now,
    subject: { kind: "device", value: id },
    device: camelRow(device),
    results: (await rowsWhere(db, "check_states", "device_id", id, "check")).map((r) => camelRow(r, ["result"])),
    reports: (await rowsWhere(db, "reports", "device_id", id, "received_at")).map((r) => camelRow(r, ["body"])),
    violations: (await rowsWhere(db, "violations", "device_id", id, "id")).map((r) => camelRow(r, ["title"])),
    events: (await rowsWhere(db, "events", "device_id", id, "id")).map(eventOf),
    exemptions: exemptions.map((r) => camelRow(r)),
  };
}

/**
 * Only the items that are about the user: a user-subject violation whose subject is exactly them, or an item
 * whose texts name their home or media folder. A report or result also lists the other users of the same
 * device, and their data is not this person's to receive; the same word in someone else's row is not theirs.
 */
async function exportUser(store: Store, db: Db, user: string, now: string): Promise<PrivacyExport> {
  const m = userMatcher(user);
  const needles = textNeedles(user);
  const mentioning = (table: string, columns: readonly string[], orderBy: string) => rowsMentioning(store.dialect, db, table, columns, needles, orderBy);

  const violations = (await mentioning("violations", ["subject", "message", "observed", "expected"], "id")).filter(
    (r) => isViolationTexts(r) && violationNamesUser(String(r.check), r, m),
  );
  const events = (await mentioning("events", ["violation"], "id"))
    .map(eventOf)
    .filter((e) => isViolationTexts(e.violation) && violationNamesUser(String(e.violation.check), e.violation, m));

  const results: JsonObject[] = [];
  for (const row of await mentioning("check_states", ["result"], "device_id")) {
    const result = parseJson(String(row.result)) as { check?: unknown; status?: unknown };
    const mine = userViolationsOf(result, m);
    if (mine.length > 0) results.push({ deviceId: row.device_id, check: result.check, status: result.status, observedAt: row.observed_at, violations: mine });
  }

  const reports: JsonObject[] = [];
  for (const row of await mentioning("reports", ["body"], "received_at")) {
    const body = parseJson(String(row.body)) as { results?: unknown };
    const mine = (Array.isArray(body.results) ? (body.results as { check?: unknown; status?: unknown }[]) : [])
      .map((r) => ({ check: r.check, status: r.status, violations: userViolationsOf(r, m) }))
      .filter((r) => r.violations.length > 0);
    if (mine.length > 0) reports.push({ deviceId: row.device_id, id: row.id, observedAt: row.observed_at, receivedAt: row.received_at, results: mine });
  }

  return {
    format: "compliance-privacy-export/1",
    exportedAt: now,
    subject: { kind: "user", value: user },
    device: null,
    results,
    reports,
    violations: violations.map((r) => camelRow(r, ["title"])),
    events: events.map((e) => e as unknown as JsonObject),
    exemptions: (await exemptionsNamingUser(store, db, m)).map((r) => camelRow(r)),
  };
}

function eventOf(row: Row): { seq: number; kind: unknown; at: unknown; violationId: unknown; deviceId: unknown; violation: JsonObject } {
  return { seq: Number(row.id), kind: row.kind, at: row.at, violationId: row.violation_id, deviceId: row.device_id, violation: parseJson(String(row.violation)) as JsonObject };
}

/** The exemptions table and which of its columns names the device, when the table exists. */
export async function exemptionsLayout(store: Store, db: Db): Promise<{ deviceColumn: string | undefined; textColumns: string[]; orderBy: string } | undefined> {
  const columns = await tableColumns(store, db, "exemptions");
  if (columns === undefined) return undefined;
  const deviceColumn = ["device_id", "device"].find((c) => columns.includes(c));
  const textColumns = ["subject", "reason", "rule"].filter((c) => columns.includes(c));
  return { deviceColumn, textColumns, orderBy: columns.includes("id") ? "id" : (columns[0] ?? "id") };
}

async function exemptionsOfDevice(store: Store, db: Db, id: string): Promise<Row[]> {
  const layout = await exemptionsLayout(store, db);
  if (layout?.deviceColumn === undefined) return [];
  return rowsWhere(db, "exemptions", layout.deviceColumn, id, layout.orderBy);
}

export async function exemptionsNamingUser(store: Store, db: Db, m: UserMatcher): Promise<Row[]> {
  const layout = await exemptionsLayout(store, db);
  if (layout === undefined || layout.textColumns.length === 0) return [];
  const rows = await rowsMentioning(store.dialect, db, "exemptions", layout.textColumns, textNeedles(m.user), layout.orderBy);
  return rows.filter((r) => exemptionNamesUser(r, layout.textColumns, m));
}

/** An exemption is about the user when it exempts their subject in a user-subject check, or its texts name their home folder. */
export function exemptionNamesUser(row: Row, textColumns: readonly string[], m: UserMatcher): boolean {
  const texts = Object.fromEntries(textColumns.filter((c) => typeof row[c] === "string").map((c) => [c, row[c]]));
  return detailNamesUser({ ...texts, check: row.check }, m);
}
