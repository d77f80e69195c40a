// The right to erasure: a device's every row (its credential too) is deleted; a user's name is replaced by a pseudonym everywhere it is stored.
import { randomBytes } from "node:crypto";
import type { PrivacyErased } from "@wegroup/shared";
import { recordAudit } from "../store/audit.js";
import type { Store } from "../store/db.js";
import { deleteWhere, type Row, rowsMentioning, rowsWhere, updateRow } from "../store/privacy.js";
import type { Db } from "../store/schema.js";
import { exemptionsLayout, exemptionsNamingUser } from "./export.js";
import { isViolationTexts, jsonNeedles, replaceUserInJson, userPattern, violationNamesUser } from "./names.js";
import type { PrivacyTarget } from "./export.js";
import { parseJson } from "./rows.js";

export interface ErasureContext {
  /** Who asked: the API token's name, or "cli". */
  actor: string;
  now: string;
  /** The pseudonym that replaces an erased user name (random when absent). */
  pseudonym?: string;
}

/**
 * One transaction with its audit line, which names what was erased only by things that identify no one:
 * a device by its random id (its hostname is gone with it), a user by the pseudonym that replaced the name.
 * Answers undefined for a device that does not exist.
 */
export async function erasePrivacyData(store: Store, target: PrivacyTarget, ctx: ErasureContext): Promise<PrivacyErased | undefined> {
  return store.db.transaction().execute(async (trx) => {
    if (target.kind === "device") {
      const counts = await eraseDevice(store, trx, target.id);
      if (counts === undefined) return undefined;
      await recordAudit(trx, { at: ctx.now, actor: ctx.actor, action: "privacy.erase", target: `device ${target.id}`, detail: { method: "deleted", counts } });
      return { subject: { kind: "device" }, method: "deleted", counts };
    }
    const pseudonym = ctx.pseudonym ?? newPseudonym();
    const counts = await eraseUser(store, trx, target.name, pseudonym);
    await recordAudit(trx, { at: ctx.now, actor: ctx.actor, action: "privacy.erase", target: `user ${pseudonym}`, detail: { method: "pseudonymised", counts } });
    return { subject: { kind: "user" }, method: "pseudonymised", counts, pseudonym };
  });
}

export function newPseudonym(): string {
  return `erased-user-${randomBytes(6).toString("hex")}`;
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
  return counts;
}

/**
 * Pseudonymised rather than deleted: the device's compliance history (that its screen lock failed from
 * this date to that) stays true and useful, but no longer says whose session it was.
 */
async function eraseUser(store: Store, db: Db, user: string, pseudonym: string): Promise<Record<string, number>> {
  const pattern = userPattern(user);
  const needles = jsonNeedles(user);
  const rewrite = (value: unknown) => replaceUserInJson(value, user, pattern, pseudonym);
  let violations = 0;
  let exemptions = 0;

  for (const row of await rowsMentioning(db, "violations", ["subject", "message", "observed", "expected"], [user], "id")) {
    if (!isViolationTexts(row) || !violationNamesUser(row, user, pattern)) continue;
    const next = rewrite({ subject: row.subject, message: row.message, observed: row.observed, expected: row.expected }).value as Row;
    await updateRow(db, "violations", { id: row.id }, next);
    violations++;
  }
  const events = await rewriteJsonColumn(db, "events", "violation", ["id"], needles, rewrite);
  const results = await rewriteJsonColumn(db, "check_states", "result", ["device_id", "check"], needles, rewrite);
  const reports = await rewriteJsonColumn(db, "reports", "body", ["device_id", "id"], needles, rewrite);
  // Audit details may name the user too (an exemption's subject): the line stays, the name goes.
  const audit = await rewriteJsonColumn(db, "audit", "detail", ["id"], needles, rewrite);

  const layout = await exemptionsLayout(store, db);
  if (layout !== undefined) {
    for (const row of await exemptionsNamingUser(store, db, user, pattern)) {
      const texts = Object.fromEntries(layout.textColumns.filter((c) => typeof row[c] === "string").map((c) => [c, row[c]]));
      await updateRow(db, "exemptions", { [layout.orderBy]: row[layout.orderBy] }, rewrite(texts).value as Row);
      exemptions++;
    }
  }
  return { violations, events, results, reports, exemptions, audit };
}

async function rewriteJsonColumn(
  db: Db,
  table: string,
  column: string,
  key: readonly string[],
  needles: readonly string[],
  rewrite: (value: unknown) => { value: unknown; changed: boolean },
): Promise<number> {
  let n = 0;
  for (const row of await rowsMentioning(db, table, [column], needles, key[0] ?? column)) {
    const { value, changed } = rewrite(parseJson(String(row[column])));
    if (!changed) continue;
    await updateRow(db, table, Object.fromEntries(key.map((k) => [k, row[k]])), { [column]: JSON.stringify(value) });
    n++;
  }
  return n;
}
