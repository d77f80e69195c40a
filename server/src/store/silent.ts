// Queries of the agent-silent watchdog: devices silent since a cutoff, their one lasting agent-silent row, its resolution.
import { sql } from "kysely";
import type { ViolationRecord } from "../violations/record.js";
import { chunks } from "./chunks.js";
import type { Db } from "./schema.js";
import { recordOf, type ViolationWithHost } from "./violations.js";
import { isLasting, isLastingByDevice } from "./lasting.js";

export const AGENT_SILENT = "agent-silent" as const;
/** The one subject of an agent-silent violation: the agent itself. */
export const SILENT_SUBJECT = "agent";

export interface SilentDevice {
  id: string;
  hostname: string;
  /** The last frame's server time; null when the agent never connected (then `enrolledAt` counts). */
  lastSeen: string | null;
  enrolledAt: string;
  goodbyeAt: string | null;
  goodbyeReason: string | null;
}

/** Devices with no frame since `cutoff` and no lasting agent-silent row, by id (so that concurrent sweeps insert in one order). */
export async function silentDevices(db: Db, cutoff: string): Promise<SilentDevice[]> {
  const rows = await db
    .selectFrom("devices as d")
    .select(["d.id", "d.hostname", "d.last_seen", "d.enrolled_at", "d.goodbye_at", "d.goodbye_reason"])
    .where((eb) => eb.or([eb("d.last_seen", "<", cutoff), eb.and([eb("d.last_seen", "is", null), eb("d.enrolled_at", "<", cutoff)])]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("violations as v")
            .select("v.id")
            .whereRef("v.device_id", "=", "d.id")
            .where("v.check", "=", AGENT_SILENT)
            .where(isLasting("v.status")),
        ),
      ),
    )
    .orderBy("d.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    hostname: r.hostname,
    lastSeen: r.last_seen,
    enrolledAt: r.enrolled_at,
    goodbyeAt: r.goodbye_at,
    goodbyeReason: r.goodbye_reason,
  }));
}

/**
 * Devices whose last frame is a goodbye with one of `reasons`, said before `before`, with no lasting agent-silent row,
 * by id. "Last frame": nothing came more than `slackMs` after the goodbye (its lastSeen is stamped a moment later).
 */
export async function stoppedDevices(db: Db, reasons: readonly string[], before: string, slackMs: number): Promise<SilentDevice[]> {
  const rows = await db
    .selectFrom("devices as d")
    .select(["d.id", "d.hostname", "d.last_seen", "d.enrolled_at", "d.goodbye_at", "d.goodbye_reason"])
    .where("d.goodbye_reason", "in", [...reasons])
    .where("d.goodbye_at", "<", before)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("violations as v")
            .select("v.id")
            .whereRef("v.device_id", "=", "d.id")
            .where("v.check", "=", AGENT_SILENT)
            .where(isLasting("v.status")),
        ),
      ),
    )
    .orderBy("d.id")
    .execute();
  return rows
    .map((r) => ({
      id: r.id,
      hostname: r.hostname,
      lastSeen: r.last_seen,
      enrolledAt: r.enrolled_at,
      goodbyeAt: r.goodbye_at,
      goodbyeReason: r.goodbye_reason,
    }))
    .filter((d) => d.goodbyeAt !== null && d.lastSeen !== null && Date.parse(d.lastSeen) <= Date.parse(d.goodbyeAt) + slackMs);
}

/**
 * Inserts the row only while the device is still silent since `cutoff` (it may have reported since it was
 * selected) and only if no agent-silent row lasts for it: the partial unique index turns a second instance's
 * insert into nothing (ON CONFLICT DO NOTHING). Answers whether this call inserted it.
 */
export async function openSilentViolation(db: Db, v: ViolationRecord, cutoff: string): Promise<boolean> {
  const rows = await db
    .insertInto("violations")
    .columns([
      "id",
      "device_id",
      "check",
      "subject",
      "rule",
      "message",
      "observed",
      "expected",
      "status",
      "first_seen",
      "last_seen",
      "resolved_at",
    ])
    .expression((eb) =>
      eb
        .selectFrom("devices")
        .select([
          eb.val(v.id).as("id"),
          "devices.id as device_id",
          eb.val(v.check).as("check"),
          eb.val(v.subject).as("subject"),
          sql<null>`null`.as("rule"),
          eb.val(v.message).as("message"),
          eb.val(v.observed).as("observed"),
          eb.val(v.expected).as("expected"),
          eb.val(v.status).as("status"),
          eb.val(v.firstSeen).as("first_seen"),
          eb.val(v.lastSeen).as("last_seen"),
          sql<null>`null`.as("resolved_at"),
        ])
        .where("devices.id", "=", v.deviceId)
        .where((w) =>
          w.or([w("devices.last_seen", "<", cutoff), w.and([w("devices.last_seen", "is", null), w("devices.enrolled_at", "<", cutoff)])]),
        ),
    )
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .execute();
  return rows.length > 0;
}

/** The lasting agent-silent rows of these devices: a frame from any of them resolves its row. */
export async function lastingSilentOf(db: Db, deviceIds: readonly string[]): Promise<ViolationWithHost[]> {
  const out: ViolationWithHost[] = [];
  for (const part of chunks(deviceIds, 500)) {
    const rows = await db
      .selectFrom("violations as v")
      .innerJoin("devices as d", "d.id", "v.device_id")
      .selectAll("v")
      .select("d.hostname")
      .where("v.check", "=", AGENT_SILENT)
      .where(isLastingByDevice(db, "v.status"))
      .where("v.device_id", "in", part)
      .execute();
    out.push(...rows.map((r) => ({ ...recordOf(r), hostname: r.hostname })));
  }
  return out;
}

/** Resolves a lasting row once: false when another instance (or batch) resolved it first. */
export async function resolveLasting(db: Db, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("violations")
    .set({ status: "resolved", resolved_at: at })
    .where("id", "=", id)
    .where(isLasting("status"))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
