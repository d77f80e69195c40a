// Exemptions at work: create and delete (audited), expiry by a timer at the earliest expiry plus a periodic sweep; each changes lasting rows and records events.
import type { Exemption, ExemptionCreate, ViolationEvent } from "@wegroup/shared";
import { AppError } from "@wegroup/shared";
import type { Clock } from "../clock.js";
import type { EventBus } from "../events/bus.js";
import type { Logger } from "../logger.js";
import { recordAudit } from "../store/audit.js";
import type { Store } from "../store/db.js";
import { findDevice } from "../store/devices.js";
import { insertEvents, type NewEvent } from "../store/events.js";
import {
  changeLastingStatus,
  dueExemptions,
  endExemption,
  type ExemptionRow,
  exemptedRows,
  findExemption,
  insertExemption,
  lastingRowsOf,
  nextExpiry,
  standingExemptions,
  toApiExemption,
} from "../store/exemptions.js";
import type { Db } from "../store/schema.js";
import type { ViolationWithHost } from "../store/violations.js";
import { type ExemptionRule, reconcile } from "../violations/exemption.js";
import { toApiViolation } from "../violations/record.js";

export interface ExemptionDeps {
  store: Store;
  clock: Clock;
  /** Committed events of this instance: the feed follows it. */
  bus: EventBus;
  newId(): string;
  logger: Logger;
}

export interface ExemptionTiming {
  /** The periodic sweep: ends what expired (also when another instance's timer did not), fixes rows a race left. */
  sweepMs: number;
}

export const DEFAULT_EXEMPTION_TIMING: Readonly<ExemptionTiming> = Object.freeze({ sweepMs: 60_000 });

/** The audit actor for what the server does by itself. */
export const SERVER_ACTOR = "server";

export class Exemptions {
  readonly #timing: ExemptionTiming;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<unknown> | undefined;
  #stopped = true;

  constructor(
    private readonly deps: ExemptionDeps,
    timing: Partial<ExemptionTiming> = {},
  ) {
    this.#timing = { ...DEFAULT_EXEMPTION_TIMING, ...timing };
  }

  /** Sweeps once now (exemptions may have expired while no instance ran), then keeps the timer. */
  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#sweeping?.catch(() => {});
  }

  /** Stores it, and exempts the open rows it covers at once (an `exempted` event each). */
  async create(input: ExemptionCreate & { approvedBy: string }, actor: string): Promise<Exemption> {
    const now = this.#now();
    const expiresAt = new Date(input.expiresAt).toISOString();
    if (expiresAt <= now) throw new AppError("bad_request", `invalid body: expiresAt: must be in the future (the server's time is ${now})`);
    const row: ExemptionRow = {
      id: this.deps.newId(),
      device: input.device,
      check: input.check,
      rule: input.rule ?? null,
      subject: input.subject ?? null,
      reason: input.reason,
      approved_by: input.approvedBy,
      expires_at: expiresAt,
      created_at: now,
      created_by: actor,
      ended_at: null,
      end_reason: null,
      ended_by: null,
    };
    const events = await this.#transaction(async (trx) => {
      if (input.device !== "*" && (await findDevice(trx, input.device)) === undefined) {
        throw new AppError("bad_request", `invalid body: device: no device ${input.device} (give a device id, or "*" for every device)`);
      }
      await insertExemption(trx, row);
      const changes = await this.#reconcile(trx, await lastingRowsOf(trx, row.check, row.device), now);
      await recordAudit(trx, {
        at: now,
        actor,
        action: "exemption.create",
        target: `exemption ${row.id}`,
        detail: {
          device: row.device,
          check: row.check,
          rule: row.rule,
          subject: row.subject,
          reason: row.reason,
          approvedBy: row.approved_by,
          expiresAt,
          exempted: changes.length,
          before: null,
          after: toApiExemption(row, now),
        },
      });
      return changes;
    });
    this.deps.logger.info(
      { exemptionId: row.id, device: row.device, check: row.check, by: actor, exempted: events?.length ?? 0 },
      "exemption created",
    );
    this.#schedule(0); // it may expire before the next wake-up
    return toApiExemption(row, now);
  }

  /** Ends it; the rows it exempted that no other exemption covers open again. False when there is no standing exemption with this id. */
  async remove(id: string, actor: string): Promise<boolean> {
    const now = this.#now();
    const events = await this.#transaction(async (trx) => {
      const row = await findExemption(trx, id);
      if (row === undefined || !(await endExemption(trx, id, { at: now, reason: "deleted", by: actor }))) return undefined;
      const changes = await this.#reconcile(trx, exemptedOnly(await lastingRowsOf(trx, row.check, row.device)), now);
      const after = { ...row, ended_at: now, end_reason: "deleted", ended_by: actor };
      await recordAudit(trx, {
        at: now,
        actor,
        action: "exemption.delete",
        target: `exemption ${id}`,
        detail: {
          device: row.device,
          check: row.check,
          reopened: changes.length,
          before: toApiExemption(row, now),
          after: toApiExemption(after, now),
        },
      });
      return changes;
    });
    if (events === undefined) return false;
    this.deps.logger.info({ exemptionId: id, by: actor, reopened: events.length }, "exemption deleted");
    return true;
  }

  /**
   * Ends the exemptions that expired (each audited once, by whichever instance got there first) and brings
   * every lasting row in line with the standing exemptions. Answers the events it recorded.
   */
  sweep(): Promise<ViolationEvent[]> {
    const run = this.#transaction(async (trx): Promise<NewEvent[]> => {
      const now = this.#now();
      for (const due of await dueExemptions(trx, now)) {
        if (!(await endExemption(trx, due.id, { at: now, reason: "expired", by: SERVER_ACTOR }))) continue;
        await recordAudit(trx, {
          at: now,
          actor: SERVER_ACTOR,
          action: "exemption.expire",
          target: `exemption ${due.id}`,
          detail: { device: due.device, check: due.check, expiresAt: due.expires_at },
        });
      }
      const standing = await standingExemptions(trx, now);
      const candidates = new Map<string, ViolationWithHost>();
      for (const row of await exemptedRows(trx)) candidates.set(row.id, row);
      for (const key of new Set(standing.map((e) => `${e.check}\u0000${e.device}`))) {
        const [check = "", device = ""] = key.split("\u0000");
        for (const row of await lastingRowsOf(trx, check, device)) candidates.set(row.id, row);
      }
      return this.#reconcile(trx, [...candidates.values()], now, standing);
    }).then((events) => events ?? []);
    this.#sweeping = run;
    return run;
  }

  /** Status changes for these rows against the standing exemptions; each applied only if the row still has its old status. */
  async #reconcile(trx: Db, rows: readonly ViolationWithHost[], now: string, standing?: ExemptionRule[]): Promise<NewEvent[]> {
    const hostnames = new Map(rows.map((r) => [r.id, r.hostname]));
    const events: NewEvent[] = [];
    // In id order: two instances changing the same rows then lock them in the same order (no deadlock).
    const ordered = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const change of reconcile(ordered, standing ?? (await standingExemptions(trx, now)), now)) {
      if (!(await changeLastingStatus(trx, change.violation.id, change.before.status, change.violation.status))) continue;
      events.push({
        kind: change.kind === "exempted" ? "exempted" : "opened",
        at: now,
        violation: toApiViolation(change.violation, hostnames.get(change.violation.id) ?? ""),
      });
    }
    return events;
  }

  /** Runs `work` in a transaction whose events are stored last (commit order) and published after COMMIT; answers them. */
  async #transaction(work: (trx: Db) => Promise<NewEvent[] | undefined>): Promise<ViolationEvent[] | undefined> {
    const { store } = this.deps;
    const stored = await store.db.transaction().execute(async (trx) => {
      const out = await work(trx);
      return out === undefined ? undefined : insertEvents(trx, out, store.dialect);
    });
    for (const event of stored ?? []) this.deps.bus.publish(event);
    return stored;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#wake(), delayMs);
    this.#timer.unref();
  }

  async #wake(): Promise<void> {
    let delay = this.#timing.sweepMs;
    try {
      await this.sweep();
      const next = await nextExpiry(this.deps.store.db);
      // A little after the instant, so that the exemption no longer stands when the sweep looks.
      if (next !== undefined) delay = Math.min(delay, Math.max(0, Date.parse(next) - this.deps.clock.now().getTime()) + 5);
    } catch (error) {
      if (this.#stopped) return;
      this.deps.logger.warn({ err: error }, "exemption sweep failed; retrying");
      delay = Math.min(delay, 5_000);
    }
    this.#schedule(delay);
  }

  #now(): string {
    return this.deps.clock.now().toISOString();
  }
}

function exemptedOnly(rows: readonly ViolationWithHost[]): ViolationWithHost[] {
  return rows.filter((r) => r.status === "exempted");
}
