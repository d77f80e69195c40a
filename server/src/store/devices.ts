// Queries on devices: enrollment, credential lookup, batched activity, listings with open-violation counts.
import type { ExpressionBuilder, Selectable } from "kysely";
import { chunks } from "./chunks.js";
import type { Database, Db, DevicesTable } from "./schema.js";

export type DeviceRow = Selectable<DevicesTable>;
/** With the number of open violations and of checks whose latest result is pass or fail (0: nothing could be judged). */
export type DeviceListRow = DeviceRow & { open_violations: number; known_checks: number };

export interface EnrollDevice {
  /** The id to use when this hardware id is new. */
  newId: string;
  hardwareId: string;
  hostname: string;
  os: string;
  credentialHash: string;
  now: string;
}

/**
 * One statement, so that two instances enrolling the same hardware at once agree: a known hardware
 * id keeps its device id and gets the new credential hash, which revokes the old credential.
 */
export async function enrollDevice(db: Db, e: EnrollDevice): Promise<{ deviceId: string; reEnrolled: boolean }> {
  const row = await db
    .insertInto("devices")
    .values({
      id: e.newId,
      hardware_id: e.hardwareId,
      hostname: e.hostname,
      os: e.os,
      credential_hash: e.credentialHash,
      enrolled_at: e.now,
      credential_issued_at: e.now,
    })
    .onConflict((oc) =>
      oc.column("hardware_id").doUpdateSet((eb) => ({
        hostname: eb.ref("excluded.hostname"),
        os: eb.ref("excluded.os"),
        credential_hash: eb.ref("excluded.credential_hash"),
        credential_issued_at: eb.ref("excluded.credential_issued_at"),
      })),
    )
    .returning("id")
    .executeTakeFirstOrThrow();
  return { deviceId: row.id, reEnrolled: row.id !== e.newId };
}

export async function findDevice(db: Db, id: string): Promise<DeviceRow | undefined> {
  return db.selectFrom("devices").selectAll().where("id", "=", id).executeTakeFirst();
}

/** What a hello needs to authenticate a device, and no more. */
export async function findDeviceCredential(db: Db, id: string): Promise<{ id: string; credential_hash: string } | undefined> {
  return db.selectFrom("devices").select(["id", "credential_hash"]).where("id", "=", id).executeTakeFirst();
}

/** What ingest needs of the devices whose reports it applies: the hostname for event snapshots, and the newest policy sent. */
export async function deviceReportContext(db: Db, ids: readonly string[]): Promise<Map<string, { hostname: string; policySentVersion: number | null }>> {
  const out = new Map<string, { hostname: string; policySentVersion: number | null }>();
  for (const part of chunks(ids, 500)) {
    const rows = await db.selectFrom("devices").select(["id", "hostname", "policy_sent_version"]).where("id", "in", part).execute();
    for (const row of rows) out.set(row.id, { hostname: row.hostname, policySentVersion: row.policy_sent_version });
  }
  return out;
}

/**
 * The policy `version` was just sent to these devices (a push): the newest version sent only ever grows, so a
 * slower instance recording an older push cannot lower it.
 */
export async function recordPolicySent(db: Db, ids: readonly string[], version: number): Promise<void> {
  for (const part of chunks(ids, 500)) {
    await db
      .updateTable("devices")
      .set({ policy_sent_version: version })
      .where("id", "in", part)
      .where((eb) => eb.or([eb("policy_sent_version", "is", null), eb("policy_sent_version", "<", version)]))
      .execute();
  }
}

/** Devices with the number of their open violations and of their judged checks, as one query. */
function devicesWithCounts(db: Db) {
  return db
    .selectFrom("devices as d")
    .selectAll("d")
    .select((eb) =>
      eb
        .selectFrom("violations as v")
        .whereRef("v.device_id", "=", "d.id")
        .where("v.status", "=", "open")
        .select(eb.fn.countAll<number>().as("n"))
        .as("open_violations"),
    )
    .select((eb) =>
      eb
        .selectFrom("check_states as c")
        .whereRef("c.device_id", "=", "d.id")
        .where("c.status", "<>", "unknown")
        .select(eb.fn.countAll<number>().as("n"))
        .as("known_checks"),
    );
}

export async function listDevices(db: Db): Promise<DeviceListRow[]> {
  const rows = await devicesWithCounts(db).orderBy("d.hostname").orderBy("d.id").execute();
  return rows.map((r) => ({ ...r, open_violations: Number(r.open_violations ?? 0), known_checks: Number(r.known_checks ?? 0) }));
}

export async function getDeviceWithCounts(db: Db, id: string): Promise<DeviceListRow | undefined> {
  const row = await devicesWithCounts(db).where("d.id", "=", id).executeTakeFirst();
  return row === undefined ? undefined : { ...row, open_violations: Number(row.open_violations ?? 0), known_checks: Number(row.known_checks ?? 0) };
}

/** What a batch learned about one device from its frames; absent fields stay as they are. */
export interface DeviceActivity {
  deviceId: string;
  lastSeen: string;
  /** The version the agent says it runs (hello, heartbeat, policy-applied). */
  policyVersion?: number;
  /** A report was judged by this version: the agent runs at least it (a queued older report lowers nothing). */
  policyVersionSeen?: number;
  policyAppliedAt?: string;
  /** The newest policy version sent to the device on this frame's connection (welcome). */
  policySentVersion?: number;
  agentVersion?: string;
  hostname?: string;
  osName?: string;
  osVersion?: string;
  arch?: string;
  goodbyeAt?: string;
  goodbyeReason?: string;
}

/** `column`, raised to `version` unless it is already newer. */
function raised(eb: ExpressionBuilder<Database, "devices">, column: "policy_sent_version" | "policy_version", version: number) {
  return eb.case().when(column, "is", null).then(version).when(column, "<", version).then(version).else(eb.ref(column)).end();
}

/** What the agent said it runs is taken as said; what a report was judged by only ever raises it. */
function policyVersionOf(eb: ExpressionBuilder<Database, "devices">, a: DeviceActivity) {
  if (a.policyVersion !== undefined) return { policy_version: Math.max(a.policyVersion, a.policyVersionSeen ?? a.policyVersion) };
  return a.policyVersionSeen === undefined ? {} : { policy_version: raised(eb, "policy_version", a.policyVersionSeen) };
}

/** One UPDATE per device per batch, however many heartbeats the batch held. */
export async function applyDeviceActivity(db: Db, activities: readonly DeviceActivity[]): Promise<void> {
  for (const a of activities) {
    await db
      .updateTable("devices")
      .set((eb) => ({
        // Never move last_seen backwards (another instance may have written a later one).
        last_seen: eb
          .case()
          .when("last_seen", "is", null)
          .then(a.lastSeen)
          .when("last_seen", "<", a.lastSeen)
          .then(a.lastSeen)
          .else(eb.ref("last_seen"))
          .end(),
        ...policyVersionOf(eb, a),
        ...(a.policyAppliedAt === undefined ? {} : { policy_applied_at: a.policyAppliedAt }),
        ...(a.policySentVersion === undefined ? {} : { policy_sent_version: raised(eb, "policy_sent_version", a.policySentVersion) }),
        ...(a.agentVersion === undefined ? {} : { agent_version: a.agentVersion }),
        ...(a.hostname === undefined ? {} : { hostname: a.hostname }),
        ...(a.osName === undefined ? {} : { os_name: a.osName }),
        ...(a.osVersion === undefined ? {} : { os_version: a.osVersion }),
        ...(a.arch === undefined ? {} : { arch: a.arch }),
        ...(a.goodbyeAt === undefined ? {} : { goodbye_at: a.goodbyeAt, goodbye_reason: a.goodbyeReason ?? null }),
      }))
      .where("id", "=", a.deviceId)
      .execute();
  }
}
