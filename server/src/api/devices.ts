// GET /api/v1/devices and /api/v1/devices/{id}: devices with their status, open violations and latest results;
// the detail answers "what is wrong with this laptop, since when, what did the agent do about it, is its agent healthy".
import {
  AppError,
  CheckResult,
  DeviceDetail,
  DeviceList,
  DeviceQuery,
  type DeviceFacts,
  type DeviceSummary,
  type EnforcementOutcome,
  IdParams,
  ReportFrame,
} from "@wegroup/shared";
import { decodeDeviceCursor, devicePage } from "../devices/page.js";
import { deviceStatus } from "../devices/status.js";
import { listCheckStates } from "../store/check-states.js";
import { type DeviceSummaryRow, getDeviceWithCounts, listDevices as listDeviceRows } from "../store/devices.js";
import { latestPolicy } from "../store/policies.js";
import { latestReports, type ReportRow } from "../store/reports.js";
import { queryViolations } from "../store/violations.js";
import { lastGoodbye } from "../violations/presence.js";
import type { ApiDeps } from "./deps.js";
import { defineRoute } from "./route.js";
import { withExemptions } from "./violations.js";

/** Reports read for a device page: enough for recent enforcement and agent health, bounded whatever the device sent. */
const REPORTS_READ = 50;
const HISTORY = 100;

function summary(deps: ApiDeps, row: DeviceSummaryRow, now: Date): DeviceSummary {
  const connected = deps.registry.isConnected(row.id);
  const goodbye = connected
    ? undefined
    : lastGoodbye({ lastSeen: row.last_seen, goodbyeAt: row.goodbye_at, goodbyeReason: row.goodbye_reason });
  return {
    id: row.id,
    hostname: row.hostname,
    os: row.os as DeviceSummary["os"],
    agentVersion: row.agent_version,
    lastSeen: row.last_seen,
    status: deviceStatus(
      {
        lastSeen: row.last_seen,
        connected,
        openViolations: row.open_violations,
        knownChecks: row.known_checks,
        saidGoodbye: goodbye !== undefined,
      },
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

/** The enforcement outcomes in stored report bodies, newest first (a body that no longer parses is skipped). */
export function enforcementOf(reports: readonly ReportRow[]): EnforcementOutcome[] {
  const out: EnforcementOutcome[] = [];
  for (const report of reports) {
    let parsed: ReturnType<typeof ReportFrame.safeParse>;
    try {
      parsed = ReportFrame.safeParse(JSON.parse(report.body));
    } catch {
      continue;
    }
    if (!parsed.success) continue;
    for (const e of parsed.data.enforcement ?? [])
      out.push({ observedAt: report.observed_at, check: e.check, subject: e.subject, action: e.action, ok: e.ok, detail: e.detail });
  }
  return out;
}

export const listDevices = defineRoute(
  {
    method: "GET",
    path: "/api/v1/devices",
    access: "viewer",
    operationId: "listDevices",
    tags: ["devices"],
    summary:
      "devices by hostname with status, open violations and policy version; filtered by status, OS and a part of the hostname; paged by cursor; counts per status",
    query: DeviceQuery,
    ok: { status: 200, schema: DeviceList },
    errors: [400],
  },
  (deps) =>
    async ({ query: q }) => {
      const now = deps.clock.now();
      const after = q.cursor === undefined ? undefined : decodeDeviceCursor(q.cursor);
      // The status depends on this instance's connections and the time: judged for every matching device, so the
      // counts are true whatever the page, then paged by hostname.
      const all = (await listDeviceRows(deps.store.db, { os: q.os, hostname: q.q })).map((row) => summary(deps, row, now));
      const byStatus: Record<string, number> = { compliant: 0, noncompliant: 0, unknown: 0, offline: 0 };
      for (const d of all) byStatus[d.status] = (byStatus[d.status] ?? 0) + 1;
      const matching = q.status === undefined ? all : all.filter((d) => d.status === q.status);
      return { ...devicePage(matching, after, q.limit ?? matching.length), byStatus };
    },
);

export const getDevice = defineRoute(
  {
    method: "GET",
    path: "/api/v1/devices/{id}",
    access: "viewer",
    operationId: "getDevice",
    tags: ["devices"],
    summary: "one device with its latest result per check, enforcement outcomes, agent health and violation history",
    params: IdParams,
    ok: { status: 200, schema: DeviceDetail },
    errors: [400, 404],
  },
  (deps) =>
    async ({ params: { id } }) => {
      const db = deps.store.db;
      const row = await getDeviceWithCounts(db, id);
      if (row === undefined) throw new AppError("not_found", `no device ${id}`);
      const now = deps.clock.now();
      const results = (await listCheckStates(db, id)).map((s) => ({
        ...CheckResult.parse(JSON.parse(s.result)),
        observedAt: s.observed_at,
      }));
      const reports = await latestReports(db, id, REPORTS_READ);
      const connected = deps.registry.isConnected(id);
      const newest = reports[0];
      const dayAgo = now.getTime() - 86_400_000;
      const queuedAfter = 2 * deps.policy.heartbeatSeconds * 1000;
      const history = await queryViolations(db, { status: "all", deviceId: id, limit: HISTORY });
      return {
        ...summary(deps, row, now),
        enrolledAt: row.enrolled_at,
        connected,
        results,
        enforcement: enforcementOf(reports),
        health: {
          connected,
          lastSeen: row.last_seen,
          lastGoodbye: row.goodbye_at === null ? null : { at: row.goodbye_at, reason: row.goodbye_reason ?? "unknown" },
          agentVersion: row.agent_version,
          policyVersion: row.policy_version,
          latestPolicyVersion: (await latestPolicy(db))?.policy.version ?? null,
          lastReportDelaySeconds:
            newest === undefined ? null : Math.max(0, (Date.parse(newest.received_at) - Date.parse(newest.observed_at)) / 1000),
          queuedReports: reports.filter(
            (r) => Date.parse(r.received_at) >= dayAgo && Date.parse(r.received_at) - Date.parse(r.observed_at) > queuedAfter,
          ).length,
        },
        history: await withExemptions(db, history, now.toISOString()),
      };
    },
);

/** The stored facts, leaving out what is unknown. */
function deviceFacts(row: DeviceSummaryRow): DeviceFacts {
  const facts: DeviceFacts = {};
  if (row.hw_manufacturer !== null) facts.manufacturer = row.hw_manufacturer;
  if (row.hw_model !== null) facts.model = row.hw_model;
  if (row.hw_serial !== null) facts.serial = row.hw_serial;
  if (row.os_distribution !== null) facts.osDistribution = row.os_distribution;
  if (row.os_release !== null) facts.osRelease = row.os_release;
  return facts;
}
