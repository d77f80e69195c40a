// The right to erasure: a device's every row (its credential too) is deleted; a user's name is replaced by a pseudonym everywhere it is stored; nothing of either is left in the database files.
import { randomBytes } from "node:crypto";
import type { PrivacyErased } from "@wegroup/shared";
import { sql } from "kysely";
import { recordAudit } from "../store/audit.js";
import type { Store } from "../store/db.js";
import { erasureKey, existingPseudonym, recordErasedUser } from "../store/erased-users.js";
import {
  auditMentioning,
  checkStatesMentioning,
  deleteDeviceRows,
  deviceRecord,
  eventsMentioning,
  exemptionsMentioning,
  reportsMentioning,
  setAuditDetail,
  setCheckStateResult,
  setEventViolation,
  setExemptionTexts,
  setReportBody,
  setViolationTexts,
  violationsMentioning,
} from "../store/privacy.js";
import type { Db } from "../store/schema.js";
import { exemptionNamesUser, exemptionTexts } from "./export.js";
import {
  isViolationTexts,
  rewriteDetail,
  rewriteDocument,
  rewriteViolation,
  textNeedles,
  userMatcher,
  violationNamesUser,
} from "./names.js";
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
      await recordAudit(trx, {
        at: ctx.now,
        actor: ctx.actor,
        action: "privacy.erase",
        target: `device ${target.id}`,
        detail: { method: "deleted", counts },
      });
      return { subject: { kind: "device" }, method: "deleted", counts };
    }
    const digest = nameDigest(await erasureKey(trx), target.name);
    const pseudonym = ctx.pseudonym ?? (await existingPseudonym(trx, digest)) ?? newPseudonym();
    const counts = await eraseUser(store, trx, target.name, pseudonym);
    // Remembered by digest only, so that the device's next report is pseudonymised again (privacy/reidentify.ts).
    await recordErasedUser(trx, [digest], pseudonym, ctx.now);
    await recordAudit(trx, {
      at: ctx.now,
      actor: ctx.actor,
      action: "privacy.erase",
      target: `user ${pseudonym}`,
      detail: { method: "pseudonymised", counts },
    });
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
  if ((await deviceRecord(db, id)) === undefined) return undefined;
  const deleted = await deleteDeviceRows(db, id);
  return { ...deleted, audit: await redactDeviceAudit(store, db, id) };
}

/** Audit lines about the device's exemptions stay (who changed what), without the subject and texts they quoted. */
async function redactDeviceAudit(store: Store, db: Db, id: string): Promise<number> {
  let n = 0;
  for (const row of await auditMentioning(store, db, [id.toLowerCase()])) {
    const detail = parseJson(row.detail ?? "null") as Record<string, unknown> | null;
    if (detail === null || typeof detail !== "object" || detail.device !== id) continue;
    const redacted = Object.fromEntries(
      Object.entries(detail).map(([k, v]) => [
        k,
        ["subject", "reason", "rule", "approvedBy"].includes(k) && typeof v === "string" ? ERASED : v,
      ]),
    );
    await setAuditDetail(db, row.id, JSON.stringify(redacted));
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

  for (const row of await violationsMentioning(store, db, needles)) {
    if (!violationNamesUser(row.check, row, m)) continue;
    const texts = { subject: row.subject, message: row.message, observed: row.observed, expected: row.expected };
    const next = rewriteViolation(row.check, texts, m, pseudonym);
    if (!next.changed) continue;
    await setViolationTexts(db, row.id, next.value);
    violations++;
  }
  const rewriteEvent = (value: unknown) => {
    const v = value as { check?: unknown } & Record<string, unknown>;
    return isViolationTexts(v) ? rewriteViolation(String(v.check), v, m, pseudonym) : rewriteDetail(v, m, pseudonym);
  };
  const events = await rewriteJson(
    await eventsMentioning(store, db, needles),
    (r) => r.violation,
    rewriteEvent,
    (r, text) => setEventViolation(db, r.id, text),
  );
  const results = await rewriteJson(
    await checkStatesMentioning(store, db, needles),
    (r) => r.result,
    (v) => rewriteDocument(v, m, pseudonym),
    (r, text) => setCheckStateResult(db, { deviceId: r.device_id, check: r.check }, text),
  );
  const reports = await rewriteJson(
    await reportsMentioning(store, db, needles),
    (r) => r.body,
    (v) => rewriteDocument(v, m, pseudonym),
    (r, text) => setReportBody(db, { deviceId: r.device_id, id: r.id }, text),
  );
  // Audit details may name the user too (an exemption's subject): the line stays, the name goes.
  const audit = await rewriteJson(
    await auditMentioning(store, db, needles),
    (r) => r.detail ?? "null",
    (v) => rewriteDetail(v, m, pseudonym),
    (r, text) => setAuditDetail(db, r.id, text),
  );

  for (const row of await exemptionsMentioning(store, db, needles)) {
    if (!exemptionNamesUser(row, m)) continue;
    const next = rewriteDetail({ ...exemptionTexts(row), check: row.check }, m, pseudonym);
    if (!next.changed) continue;
    const { subject, reason, rule } = next.value as Partial<Record<"subject" | "reason" | "rule", string>>;
    await setExemptionTexts(db, row.id, {
      ...(subject === undefined ? {} : { subject }),
      ...(reason === undefined ? {} : { reason }),
      ...(rule === undefined ? {} : { rule }),
    });
    exemptions++;
  }
  return { violations, events, results, reports, exemptions, audit };
}

/** Rewrites one JSON column of the rows that may name the user; answers how many changed. */
async function rewriteJson<R>(
  rows: readonly R[],
  textOf: (row: R) => string,
  rewrite: (value: unknown) => { value: unknown; changed: boolean },
  store: (row: R, text: string) => Promise<void>,
): Promise<number> {
  let n = 0;
  for (const row of rows) {
    const { value, changed } = rewrite(parseJson(textOf(row)));
    if (!changed) continue;
    await store(row, JSON.stringify(value));
    n++;
  }
  return n;
}
