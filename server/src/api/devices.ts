// GET /api/v1/devices and /api/v1/devices/{id}: devices with their status, open violations and latest results.
import { AppError, CheckResult, DeviceDetail, type DeviceFacts, DeviceList, type DeviceSummary, IdParams } from "@wegroup/shared";
import { deviceStatus } from "../devices/status.js";
import { listCheckStates } from "../store/check-states.js";
import { type DeviceListRow, getDeviceWithCounts, listDevices as listDeviceRows } from "../store/devices.js";
import { lastGoodbye } from "../violations/presence.js";
import type { ApiDeps } from "./deps.js";
import { defineRoute } from "./route.js";

function summary(deps: ApiDeps, row: DeviceListRow, now: Date): DeviceSummary {
  const connected = deps.registry.isConnected(row.id);
  const goodbye = connected ? undefined : lastGoodbye({ lastSeen: row.last_seen, goodbyeAt: row.goodbye_at, goodbyeReason: row.goodbye_reason });
  return {
    id: row.id,
    hostname: row.hostname,
    os: row.os as DeviceSummary["os"],
    agentVersion: row.agent_version,
    lastSeen: row.last_seen,
    status: deviceStatus(
      { lastSeen: row.last_seen, connected, openViolations: row.open_violations, knownChecks: row.known_checks, saidGoodbye: goodbye !== undefined },
      now,
      deps.policy.heartbeatSeconds,
    ),
    openViolations: row.open_violations,
    policyVersion: row.policy_version,
    reEnrollmentOf: row.re_enrollment_of,
    ...(goodbye === undefined ? {} : { lastGoodbye: goodbye }),
    facts: deviceFacts(row),
  };
}

export const listDevices = defineRoute(
  {
    method: "GET",
    path: "/api/v1/devices",
    access: "viewer",
    operationId: "listDevices",
    tags: ["devices"],
    summary: "devices with status, open violations and policy version",
    ok: { status: 200, schema: DeviceList },
    errors: [],
  },
  (deps) => async () => {
    const now = deps.clock.now();
    return { items: (await listDeviceRows(deps.store.db)).map((row) => summary(deps, row, now)) };
  },
);

export const getDevice = defineRoute(
  {
    method: "GET",
    path: "/api/v1/devices/{id}",
    access: "viewer",
    operationId: "getDevice",
    tags: ["devices"],
    summary: "one device with its latest result per check",
    params: IdParams,
    ok: { status: 200, schema: DeviceDetail },
    errors: [400, 404],
  },
  (deps) =>
    async ({ params: { id } }) => {
      const row = await getDeviceWithCounts(deps.store.db, id);
      if (row === undefined) throw new AppError("not_found", `no device ${id}`);
      const results = (await listCheckStates(deps.store.db, id)).map((s) => ({ ...CheckResult.parse(JSON.parse(s.result)), observedAt: s.observed_at }));
      return { ...summary(deps, row, deps.clock.now()), enrolledAt: row.enrolled_at, connected: deps.registry.isConnected(id), results };
    },
);

/** The stored facts, leaving out what is unknown. */
function deviceFacts(row: DeviceListRow): DeviceFacts {
  const facts: DeviceFacts = {};
  if (row.hw_manufacturer !== null) facts.manufacturer = row.hw_manufacturer;
  if (row.hw_model !== null) facts.model = row.hw_model;
  if (row.hw_serial !== null) facts.serial = row.hw_serial;
  if (row.os_distribution !== null) facts.osDistribution = row.os_distribution;
  if (row.os_release !== null) facts.osRelease = row.os_release;
  return facts;
}
