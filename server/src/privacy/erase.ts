// The right to erasure: a device's every row (its credential too) is deleted; a user's name is replaced by a pseudonym everywhere it is stored; nothing of either is left in the database files.
import { randomBytes } from "node:crypto";
import type { PrivacyErased } from "@wegroup/shared";
import { sql } from "kysely";
import { recordAudit } from "../store/audit.js";
import type { Store } from "../store/db.js";
import { erasureKey, existingPseudonym, recordErasedUser } from "../store/erased-users.js";
import { deleteWhere, type Row, rowsMentioning, rowsWhere, updateRow } from "../store/privacy.js";
import type { Db } from "../store/schema.js";
import { exemptionNamesUser, exemptionsLayout } from "./export.js";
import { isViolationTexts, rewriteDetail, rewriteDocument, rewriteViolation, textNeedles, type UserMatcher, userMatcher, violationNamesUser } from "./names.js";
import type { PrivacyTarget } from "./export.js";
import { nameDigest } from "./reidentify.js";
import { parseJson } from "./rows.js";

export interface ErasureContext {
  /** Who asked: the API token's name, or "cli". */
  actor: string;
  now: string;
  /** The pseudonym that replaces an erased user name (random when absent). */
  pseudonym?: string;
}

/** What an audit detail keeps of an erased device's exemptions: that they existed, not what they named. */
const ERASED = "[erased]";

/**
 * One transaction with its audit line, which names what was erased only by things that identify no one:
 * a device by its random id (its hostname is gone with it), a user by the pseudonym that replaced the name.
 * On SQLite the deleted bytes are overwritten (secure_delete) and the WAL, which still holds the old pages,
 * is checkpointed into the file and truncated, so that no copy is left on disk.
 * Answers undefined for a device that does not exist.
 */
export async function erasePrivacyData(store: Store, target: PrivacyTarget, ctx: ErasureContext): Promise<PrivacyErased | undefined> {
  const erased = await store.db.transaction().execute(async (trx): Promise<PrivacyErased | undefined> => {
    if (target.kind === "device") {
      const counts = await eraseDevice(store, trx, target.id);
      if (counts === undefined) return undefined;
      await recordAudit(trx, { at: ctx.now, actor: ctx.actor, action: "privacy.erase", target: `device ${target.id}`, detail: { method: "deleted", counts } });
      return { subject: { kind: "device" }, method: "deleted", counts };
    }
    const digest = nameDigest(await erasureKey(trx), target.name);
    const pseudonym = ctx.pseudonym ?? (await existingPseudonym(trx, digest)) ?? newPseudonym();
    const counts = await eraseUser(store, trx, target.name, pseudonym);
    // Remembered by digest only, so that the device's next report is pseudonymised again (privacy/reidentify.ts).
    await recordErasedUser(trx, [digest], pseudonym, ctx.now);
    await recordAudit(trx, { at: ctx.now, actor: ctx.actor, action: "privacy.erase", target: `user ${pseudonym}`, detail: { method: "pseudonymised", counts } });
    return { subject: { kind: "user" }, method: "pseudonymised", counts, pseudonym };
  });
  if (erased !== undefined) await flushErasedPages(store);
  return erased;
}

export function newPseudonym(): string {
  return `erased-user-${randomBytes(6).toString("hex")}`;
}

/** SQLite keeps old page images in the WAL until a checkpoint: copy them back (overwritten) and cut the WAL to nothing. */
export async function flushErasedPages(store: Store): Promise<void> {
  if (store.dialect !== "sqlite") return;
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
}

async function eraseDevice(store: Store, db: Db, id: string): Promise<Record<string, number> | undefined> {
  const [device] = await rowsWhere(db, "devices", "id", id, "id");
  if (device === undefined) return undefined;
  const counts: Record<string, number> = {};
  const layout = await exemptionsLayout(store, db);
  if (layout?.deviceColumn !== undefined) counts.exemptions = await deleteWhere(db, "exemptions", layout.deviceColumn, id);
  // Children first, so that this works whether or not the foreign keys cascade.
  counts.events = await deleteWhere(db, "events", "device_id", id);
  counts.violations = await deleteWhere(db, "violations", "device_id", id);
  counts.results = await deleteWhere(db, "check_states", "device_id", id);
  counts.reports = await deleteWhere(db, "reports", "device_id", id);
  counts.devices = await deleteWhere(db, "devices", "id", id);
  counts.audit = await redactDeviceAudit(store, db, id);
  return counts;
}

/** Audit lines about the device's exemptions stay (who changed what), without the subject and texts they quoted. */
async function redactDeviceAudit(store: Store, db: Db, id: string): Promise<number> {
  let n = 0;
  for (const row of await rowsMentioning(store.dialect, db, "audit", ["detail"], [id.toLowerCase()], "id")) {
    const detail = parseJson(String(row.detail)) as Record<string, unknown> | null;
    if (detail === null || typeof detail !== "object" || detail.device !== id) continue;
    const redacted = Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, ["subject", "reason", "rule", "approvedBy"].includes(k) && typeof v === "string" ? ERASED : v]));
    await updateRow(db, "audit", { id: row.id }, { detail: JSON.stringify(redacted) });
    n++;
  }
  return n;
}

/**
 * Pseudonymised rather than deleted: the device's compliance history (that its screen lock failed from
 * this date to that) stays true and useful, but no longer says whose session it was.
 */
async function eraseUser(store: Store, db: Db, user: string, pseudonym: string): Promise<Record<string, number>> {
  const m = userMatcher(user);
  const needles = textNeedles(user);
  let violations = 0;
  let exemptions = 0;

  for (const row of await rowsMentioning(store.dialect, db, "violations", ["subject", "message", "observed", "expected"], needles, "id")) {
    if (!isViolationTexts(row) || !violationNamesUser(String(row.check), row, m)) continue;
    const texts = { subject: row.subject, message: row.message, observed: row.observed, expected: row.expected };
    const next = rewriteViolation(String(row.check), texts, m, pseudonym);
    if (!next.changed) continue;
    await updateRow(db, "violations", { id: row.id }, next.value);
    violations++;
  }
  const rewriteEvent = (value: unknown) => {
    const v = value as { check?: unknown } & Record<string, unknown>;
    return isViolationTexts(v) ? rewriteViolation(String(v.check), v, m, pseudonym) : rewriteDetail(v, m, pseudonym);
  };
  const events = await rewriteJsonColumn(store, db, "events", "violation", ["id"], needles, rewriteEvent);
  const results = await rewriteJsonColumn(store, db, "check_states", "result", ["device_id", "check"], needles, (v) => rewriteDocument(v, m, pseudonym));
  const reports = await rewriteJsonColumn(store, db, "reports", "body", ["device_id", "id"], needles, (v) => rewriteDocument(v, m, pseudonym));
  // Audit details may name the user too (an exemption's subject): the line stays, the name goes.
  const audit = await rewriteJsonColumn(store, db, "audit", "detail", ["id"], needles, (v) => rewriteDetail(v, m, pseudonym));

  const layout = await exemptionsLayout(store, db);
  if (layout !== undefined) {
    for (const row of await rowsMentioning(store.dialect, db, "exemptions", layout.textColumns, needles, layout.orderBy)) {
      if (!exemptionNamesUser(row, layout.textColumns, m)) continue;
      const texts = Object.fromEntries(layout.textColumns.filter((c) => typeof row[c] === "string").map((c) => [c, row[c]]));
      const next = rewriteExemption(texts, String(row.check), m, pseudonym);
      if (!next.changed) continue;
      await updateRow(db, "exemptions", { [layout.orderBy]: row[layout.orderBy] }, next.value);
      exemptions++;
    }
  }
  return { violations, events, results, reports, exemptions, audit };
}

/** An exemption's texts, judged with its check (a software exemption's subject "alice" is a title, not her). */
function rewriteExemption(texts: Record<string, unknown>, check: string, m: UserMatcher, pseudonym: string): { value: Row; changed: boolean } {
  const next = rewriteDetail({ ...texts, check }, m, pseudonym);
  const { check: _check, ...value } = next.value as Row;
  return { value, changed: next.changed };
}

async function rewriteJsonColumn(
  store: Store,
  db: Db,
  table: string,
  column: string,
  key: readonly string[],
  needles: readonly string[],
  rewrite: (value: unknown) => { value: unknown; changed: boolean },
): Promise<number> {
  let n = 0;
  for (const row of await rowsMentioning(store.dialect, db, table, [column], needles, key[0] ?? column)) {
    const { value, changed } = rewrite(parseJson(String(row[column])));
    if (!changed) continue;
    await updateRow(db, table, Object.fromEntries(key.map((k) => [k, row[k]])), { [column]: JSON.stringify(value) });
    n++;
  }
  return n;
}
