// One group-commit batch inside one transaction: store new reports once, run the state machine, record events and device activity.
import type { CheckResult, ReportFrame, ViolationEvent, ViolationEventKind } from "@wegroup/shared";
import { type CheckStateRow, loadObservedAt, upsertCheckStates } from "../store/check-states.js";
import { deleteReports, violationsOpenedSince } from "../store/device-caps.js";
import type { Dialect } from "../store/db.js";
import { applyDeviceActivity, claimRun, type DeviceActivity, deviceReportContext } from "../store/devices.js";
import { insertEvents, type NewEvent } from "../store/events.js";
import { standingExemptions } from "../store/exemptions.js";
import { insertReports, reportKey } from "../store/reports.js";
import type { Db } from "../store/schema.js";
import { AGENT_SILENT, lastingSilentOf, resolveLasting, SILENT_SUBJECT } from "../store/silent.js";
import { insertViolations, loadLastingViolations, updateViolations } from "../store/violations.js";
import { type ExemptionRule, openingStatus } from "../violations/exemption.js";
import { gapText, onReturn } from "../violations/presence.js";
import type { ViolationRecord } from "../violations/record.js";
import { toApiViolation } from "../violations/record.js";
import { applyCheckResult, type Transition } from "../violations/transition.js";

export type IngestItem =
  | {
      kind: "report";
      deviceId: string;
      report: ReportFrame;
      receivedAt: string;
      /** The newest policy version the receiving connection has sent this device (stored too, but maybe not committed yet). */
      policySentVersion?: number | undefined;
    }
  | { kind: "activity"; activity: DeviceActivity };

/**
 * `outdated`: judged by an older policy than the device has been sent since. Stored (and so acknowledged), but it
 * opens and resolves nothing: the agent judges again under the newer policy and reports that.
 */
export type IngestResult =
  | { kind: "report"; stored: boolean; outdated: boolean }
  /** Not stored: the device is over a cap (the report itself is valid; it may be sent again later). */
  | { kind: "refused"; code: "rate_limited"; message: string }
  | { kind: "activity" };

export interface ApplyContext {
  /** Server time, ISO-8601 UTC: stamps events. */
  now(): string;
  /** A new violation id (UUIDv7). */
  newId(): string;
  /** On PostgreSQL, event writers are ordered by a lock (see insertEvents); SQLite when absent. */
  dialect?: Dialect;
  /** A device may open at most this many violation rows in 24 hours (none when absent): one device cannot flood storage and the feed. */
  maxOpenedPerDevicePerDay?: number;
}

const DAY_MS = 24 * 3_600_000;

export interface AppliedBatch {
  results: IngestResult[];
  /** Opened/resolved transitions with their stored sequence numbers, in order: side effects hang off these. */
  events: ViolationEvent[];
  transitions: Transition[];
}

/** ISO-8601 with any offset → the one fixed-width UTC form every stored timestamp has. */
export const normalizeTime = (iso: string): string => new Date(iso).toISOString();

/** How far ahead of the server an agent's clock may be before its observation times are not believed. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/**
 * The time a report counts as observed at. An agent whose clock runs far ahead would otherwise make
 * every later, correct report look older than the last one applied and so freeze its violations:
 * such a time is replaced by the server's receive time.
 */
export function effectiveObservedAt(observedAt: string, receivedAt: string): string {
  const observed = normalizeTime(observedAt);
  return Date.parse(observed) > Date.parse(receivedAt) + MAX_CLOCK_AHEAD_MS ? receivedAt : observed;
}

const stateKey = (deviceId: string, check: string): string => `${deviceId}\u0000${check}`;

export async function applyBatch(db: Db, items: readonly IngestItem[], ctx: ApplyContext): Promise<AppliedBatch> {
  const results: IngestResult[] = items.map((item) =>
    item.kind === "report" ? { kind: "report", stored: false, outdated: false } : { kind: "activity" },
  );
  const activity = new ActivityMerger();

  // 1. Store each report once: a resend (in this batch or an earlier one) is not inserted, so it changes nothing.
  const candidates: {
    index: number;
    deviceId: string;
    report: ReportFrame;
    observedAt: string;
    receivedAt: string;
    policySentVersion: number | undefined;
  }[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (item.kind === "activity") {
      activity.add(item.activity);
      return;
    }
    // A queued report tells which policy judged it then: it may raise the device's version, never lower it.
    activity.add({ deviceId: item.deviceId, lastSeen: item.receivedAt, policyVersionSeen: item.report.policyVersion });
    const key = reportKey(item.deviceId, item.report.id);
    if (seen.has(key)) return;
    seen.add(key);
    const observedAt = effectiveObservedAt(item.report.observedAt, item.receivedAt);
    candidates.push({
      index,
      deviceId: item.deviceId,
      report: item.report,
      observedAt,
      receivedAt: item.receivedAt,
      policySentVersion: item.policySentVersion,
    });
  });
  const inserted = await insertReports(
    db,
    candidates.map((c) => ({
      device_id: c.deviceId,
      id: c.report.id,
      observed_at: c.observedAt,
      received_at: c.receivedAt,
      policy_version: c.report.policyVersion,
      body: JSON.stringify(c.report),
    })),
  );
  const fresh = candidates.filter((c) => inserted.has(reportKey(c.deviceId, c.report.id)));
  // What the devices told (hostname from a hello in this batch) goes first, so that event snapshots carry it.
  const merged = activity.merged();
  await applyDeviceActivity(db, merged);
  for (const c of fresh) results[c.index] = { kind: "report", stored: true, outdated: false };
  // A frame of any kind from a device that was silent ends its agent-silent violation.
  const newEvents: NewEvent[] = await resolveReturnedDevices(db, merged, ctx.now());
  // A hello that tells of a previous run which ended without a goodbye in the same OS boot: the agent was gone while the OS ran.
  newEvents.push(...(await judgeReturns(db, merged, ctx)));

  // 2. Run the state machine over the new reports, in arrival order, against what is stored.
  const transitions: Transition[] = [];
  // Read after this batch's activity is written: a welcome's policy in the same batch counts.
  const devices = await deviceReportContext(db, [...new Set(fresh.map((c) => c.deviceId))]);
  const current = fresh.filter((c) => {
    const sent = Math.max(devices.get(c.deviceId)?.policySentVersion ?? 0, c.policySentVersion ?? 0);
    if (c.report.policyVersion >= sent) return true;
    results[c.index] = { kind: "report", stored: true, outdated: true };
    return false;
  });
  if (current.length > 0) {
    const deviceIds = [...new Set(current.map((c) => c.deviceId))];
    const observed = new Map((await loadObservedAt(db, deviceIds)).map((s) => [stateKey(s.device_id, s.check), s.observed_at]));
    const lasting = new Map<string, ViolationRecord[]>();
    for (const v of await loadLastingViolations(db, deviceIds)) {
      const key = stateKey(v.deviceId, v.check);
      lasting.set(key, [...(lasting.get(key) ?? []), v]);
    }
    const changedStates = new Map<string, CheckStateRow>();
    const at = ctx.now();
    // Loaded once, and only for a batch that opens something: most batches are repeats.
    let standing: ExemptionRule[] | undefined;
    const refused: { deviceId: string; id: string; index: number }[] = [];
    let openedLately: Map<string, number> | undefined;
    for (const c of current) {
      // A report's checks are distinct, so their outcomes are independent: judge them all before keeping any.
      const outcomes = c.report.results.map((result) => {
        const key = stateKey(c.deviceId, result.check);
        const outcome = applyCheckResult(lasting.get(key) ?? [], observed.get(key), result, c.observedAt, () => ({
          id: ctx.newId(),
          deviceId: c.deviceId,
          check: result.check,
        }));
        return { result, key, outcome };
      });
      const cap = ctx.maxOpenedPerDevicePerDay;
      const opening = outcomes.reduce((n, o) => n + o.outcome.transitions.filter((t) => t.kind === "opened").length, 0);
      if (cap !== undefined && opening > 0) {
        openedLately ??= await violationsOpenedSince(db, deviceIds, Date.parse(at) - DAY_MS);
        const already = openedLately.get(c.deviceId) ?? 0;
        if (already + opening > cap) {
          results[c.index] = {
            kind: "refused",
            code: "rate_limited",
            message: `this device opened ${already} violations in the last 24 hours and this report would open ${opening} more; at most ${cap} a day are stored (ask IT to look at this device)`,
          };
          refused.push({ deviceId: c.deviceId, id: c.report.id, index: c.index });
          continue;
        }
        openedLately.set(c.deviceId, already + opening);
      }
      for (const { result, key, outcome } of outcomes) {
        if (outcome.stale) continue;
        const state = checkState(c.deviceId, c.report.id, c.observedAt, result);
        observed.set(key, state.observed_at);
        changedStates.set(key, state);
        if (outcome.transitions.length === 0) continue;
        for (const t of outcome.transitions) {
          if (t.kind !== "opened") continue;
          standing ??= await standingExemptions(db, at);
          // A failure an exemption covers opens as exempted: shown as exempted, not as a violation.
          t.violation.status = openingStatus(t.violation, standing, at);
        }
        lasting.set(key, nextLasting(lasting.get(key) ?? [], outcome.transitions));
        transitions.push(...outcome.transitions);
        for (const t of outcome.transitions) {
          const kind = eventKind(t);
          if (kind !== undefined)
            newEvents.push({ kind, at, violation: toApiViolation(t.violation, devices.get(c.deviceId)?.hostname ?? "") });
        }
      }
    }
    if (refused.length > 0) {
      await deleteReports(db, refused);
      // A copy of a refused report sent again within this batch is refused with it, never acked as "stored before".
      const refusedKeys = new Map(refused.map((r) => [reportKey(r.deviceId, r.id), r.index]));
      items.forEach((item, index) => {
        const first = item.kind === "report" ? refusedKeys.get(reportKey(item.deviceId, item.report.id)) : undefined;
        if (first !== undefined) results[index] = results[first] as IngestResult;
      });
    }
    await writeTransitions(db, transitions);
    await upsertCheckStates(db, [...changedStates.values()]);
  }

  // 3. Events last, so that their ids follow the order of the transitions.
  const events = await insertEvents(db, newEvents, ctx.dialect);
  return { results, events, transitions };
}

function checkState(deviceId: string, reportId: string, observedAt: string, result: CheckResult): CheckStateRow {
  return {
    device_id: deviceId,
    check: result.check,
    status: result.status,
    observed_at: observedAt,
    report_id: reportId,
    result: JSON.stringify(result),
  };
}

function eventKind(t: Transition): ViolationEventKind | undefined {
  if (t.kind === "opened") return t.violation.status === "exempted" ? "exempted" : "opened";
  if (t.kind === "resolved") return "resolved";
  return undefined;
}

/** Resolves the lasting agent-silent rows of the devices that just sent a frame; answers their events. */
async function resolveReturnedDevices(db: Db, activities: readonly DeviceActivity[], at: string): Promise<NewEvent[]> {
  if (activities.length === 0) return [];
  const lastSeen = new Map(activities.map((a) => [a.deviceId, a.lastSeen]));
  const events: NewEvent[] = [];
  for (const row of await lastingSilentOf(db, [...lastSeen.keys()])) {
    const resolvedAt = lastSeen.get(row.deviceId) ?? at;
    if (!(await resolveLasting(db, row.id, resolvedAt))) continue;
    const { hostname, ...record } = row;
    events.push({ kind: "resolved", at, violation: toApiViolation({ ...record, status: "resolved", resolvedAt }, hostname) });
  }
  return events;
}

/**
 * Judges, once per agent run, how the previous run ended (hello → activity.run). A gap in the same OS boot is recorded as
 * an agent-silent violation that opened when the agent was last alive and resolved when it came back (it is back, and the
 * record and its two events say for how long it was not); anything else records nothing.
 */
async function judgeReturns(db: Db, activities: readonly DeviceActivity[], ctx: ApplyContext): Promise<NewEvent[]> {
  const events: NewEvent[] = [];
  let standing: ExemptionRule[] | undefined;
  for (const a of activities) {
    if (a.run === undefined || !(await claimRun(db, a.deviceId, a.run))) continue;
    const heard = await db.selectFrom("devices").select(["hostname", "goodbye_at"]).where("id", "=", a.deviceId).executeTakeFirst();
    const verdict = onReturn(a.run.previous, a.run.bootId, a.lastSeen, heard?.goodbye_at ?? undefined);
    if (verdict.kind !== "gap") continue;
    const at = ctx.now();
    const open: ViolationRecord = {
      id: ctx.newId(),
      deviceId: a.deviceId,
      check: AGENT_SILENT,
      subject: SILENT_SUBJECT,
      rule: null,
      ...gapText(verdict, a.run.bootId ?? ""),
      status: "open",
      firstSeen: verdict.from,
      lastSeen: verdict.to,
      resolvedAt: null,
      title: null,
    };
    standing ??= await standingExemptions(db, at);
    open.status = openingStatus(open, standing, at);
    const resolved: ViolationRecord = { ...open, status: "resolved", resolvedAt: verdict.to };
    await insertViolations(db, [resolved]);
    const hostname = heard?.hostname ?? a.hostname ?? "";
    events.push({ kind: open.status === "exempted" ? "exempted" : "opened", at, violation: toApiViolation(open, hostname) });
    events.push({ kind: "resolved", at, violation: toApiViolation(resolved, hostname) });
  }
  return events;
}

function nextLasting(current: readonly ViolationRecord[], transitions: readonly Transition[]): ViolationRecord[] {
  const byId = new Map(current.map((v) => [v.id, v]));
  for (const t of transitions) {
    if (t.kind === "resolved") byId.delete(t.violation.id);
    else byId.set(t.violation.id, t.violation);
  }
  return [...byId.values()];
}

/** Collapses a batch's transitions to one write per row: a row opened and then updated is inserted once, as it ends. */
async function writeTransitions(db: Db, transitions: readonly Transition[]): Promise<void> {
  const inserts = new Map<string, ViolationRecord>();
  const updates = new Map<string, { before: ViolationRecord; after: ViolationRecord }>();
  for (const t of transitions) {
    const id = t.violation.id;
    if (t.kind === "opened") inserts.set(id, t.violation);
    else if (inserts.has(id)) inserts.set(id, t.violation);
    else updates.set(id, { before: updates.get(id)?.before ?? t.before, after: t.violation });
  }
  // Updates first: a row resolved and reopened in one batch must stop lasting before its successor is inserted.
  await updateViolations(db, [...updates.values()]);
  await insertViolations(db, [...inserts.values()]);
}

/** Many heartbeats of one device in one batch become one update carrying the latest of each field. */
class ActivityMerger {
  #byDevice = new Map<string, DeviceActivity>();

  add(a: DeviceActivity): void {
    const prev = this.#byDevice.get(a.deviceId);
    if (prev === undefined) {
      this.#byDevice.set(a.deviceId, { ...a });
      return;
    }
    const merged: DeviceActivity = { ...prev };
    for (const [k, v] of Object.entries(a) as [keyof DeviceActivity, string | number | undefined][]) {
      if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
    }
    merged.lastSeen = prev.lastSeen > a.lastSeen ? prev.lastSeen : a.lastSeen;
    for (const key of ["policySentVersion", "policyVersionSeen"] as const) {
      const [p, n] = [prev[key], a[key]];
      if (p !== undefined && n !== undefined) merged[key] = Math.max(p, n);
    }
    this.#byDevice.set(a.deviceId, merged);
  }

  merged(): DeviceActivity[] {
    return [...this.#byDevice.values()];
  }
}
