// GET /api/v1/devices and /api/v1/devices/:id: devices with their status, open violations and latest results.
import { AppError, CheckResult, type DeviceDetail, type DeviceList, type DeviceSummary, IdParams } from "@wegroup/shared";
import type { FastifyInstance } from "fastify";
import { deviceStatus } from "../devices/status.js";
import { listCheckStates } from "../store/check-states.js";
import { type DeviceListRow, getDeviceWithCounts, listDevices } from "../store/devices.js";
import { lastGoodbye } from "../violations/presence.js";
import { requireRole } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { parseInput } from "./errors.js";

export function deviceRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const db = deps.store.db;
  const summary = (row: DeviceListRow, now: Date): DeviceSummary => {
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
    };
  };

  app.get("/api/v1/devices", { preHandler: requireRole(db, "viewer") }, async (): Promise<DeviceList> => {
    const now = deps.clock.now();
    return { items: (await listDevices(db)).map((row) => summary(row, now)) };
  });

  app.get("/api/v1/devices/:id", { preHandler: requireRole(db, "viewer") }, async (req): Promise<DeviceDetail> => {
    const { id } = parseInput(IdParams, req.params, "query");
    const row = await getDeviceWithCounts(db, id);
    if (row === undefined) throw new AppError("not_found", `no device ${id}`);
    const results = (await listCheckStates(db, id)).map((s) => ({ ...CheckResult.parse(JSON.parse(s.result)), observedAt: s.observed_at }));
    return { ...summary(row, deps.clock.now()), enrolledAt: row.enrolled_at, connected: deps.registry.isConnected(id), results };
  });
}
