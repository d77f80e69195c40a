// `compliance-agent status`: what the service is doing, at a glance for a help-desk engineer.
import { readdir } from "node:fs/promises";
import type { StatePaths } from "../config.js";
import { readServiceStatusFile, type ServiceStatus } from "../service/status.js";
import { loadEnrollment } from "../state/enrollment.js";

export async function statusCommand(
  options: { json?: boolean },
  paths: StatePaths,
  out: (text: string) => void,
  now: () => Date,
): Promise<number> {
  const read = await readServiceStatusFile(paths.status);
  if (read.kind === "damaged") out(`warning: ${read.problem}`);
  const service = read.kind === "ok" ? read.status : undefined;
  // The enrollment holds the credential and is root's alone: a person at the laptop reads the status file instead.
  const enrollment = await loadEnrollment(paths.enrollment).catch((error: unknown) => {
    if (service !== undefined && isPermissionError(error)) return { serverUrl: service.serverUrl, deviceId: service.deviceId };
    out(`warning: ${(error as Error).message}`);
    return undefined;
  });
  const running = service !== undefined && isAlive(service.pid);
  const queued = (await countQueued(paths.outbox)) ?? service?.queuedReports ?? 0;
  const report = {
    enrolled: enrollment !== undefined,
    serverUrl: enrollment?.serverUrl ?? null,
    deviceId: enrollment?.deviceId ?? null,
    running,
    stateDir: paths.dir,
    connection: running ? service.connection : "stopped",
    connectionDetail: running ? (service.connectionDetail ?? null) : null,
    connectedSince: running ? service.connectedSince : null,
    lastReport: service?.lastReport ?? null,
    queuedReports: queued,
    policyVersion: service?.policyVersion ?? null,
    results: service?.results ?? [],
    notifications: service?.notifications ?? [],
    statusUpdatedAt: service?.updatedAt ?? null,
  };
  if (options.json === true) {
    out(JSON.stringify(report, null, 2));
    return 0;
  }
  out(formatStatus(report, service, now()));
  return 0;
}

function formatStatus(
  r: {
    enrolled: boolean;
    serverUrl: string | null;
    deviceId: string | null;
    running: boolean;
    connection: string;
    connectionDetail: string | null;
    connectedSince: string | null;
    lastReport: ServiceStatus["lastReport"];
    queuedReports: number;
    policyVersion: number | null;
    results: ServiceStatus["results"];
    stateDir: string;
  },
  service: ServiceStatus | undefined,
  now: Date,
): string {
  const lines: string[] = [];
  lines.push(
    r.enrolled
      ? `enrolled:     yes, device ${r.deviceId} with ${r.serverUrl}`
      : `enrolled:     no (run compliance-agent enroll --server URL --secret SECRET)`,
  );
  lines.push(
    `service:      ${r.running ? `running (pid ${service?.pid})` : service !== undefined ? `not running (last seen ${ago(service.updatedAt, now)})` : "not running"}`,
  );
  if (r.running)
    lines.push(
      `connection:   ${r.connection}${r.connectedSince !== null ? ` since ${r.connectedSince}` : ""}${r.connectionDetail !== null ? ` (${r.connectionDetail})` : ""}`,
    );
  lines.push(`policy:       ${r.policyVersion === null ? "unknown" : `version ${r.policyVersion}`}`);
  lines.push(
    `last report:  ${r.lastReport === null ? "none" : `${r.lastReport.id} observed ${ago(r.lastReport.observedAt, now)}, ${r.lastReport.ackedAt !== null ? "acknowledged" : "not yet acknowledged"}`}`,
  );
  lines.push(`queued:       ${r.queuedReports} report${r.queuedReports === 1 ? "" : "s"} waiting for the server`);
  for (const res of r.results) {
    lines.push(
      `  ${res.check.padEnd(12)} ${res.status.toUpperCase().padEnd(8)} ${res.violations > 0 ? `${res.violations} violation(s)` : ""}${res.reason !== undefined ? ` ${res.reason}` : ""}`,
    );
    for (const d of res.details ?? []) {
      lines.push(`      - ${d.message}`);
      lines.push(`        to fix: ${d.fix}`);
    }
  }
  lines.push(`state dir:    ${r.stateDir}`);
  return lines.join("\n");
}

function ago(iso: string, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Undefined when the outbox cannot be listed (not root: the status file's count stands in). */
async function countQueued(dir: string): Promise<number | undefined> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith(".json")).length;
  } catch (error) {
    return isPermissionError(error) ? undefined : 0;
  }
}

function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? (error as { cause?: NodeJS.ErrnoException }).cause?.code;
  return code === "EACCES" || code === "EPERM" || /EACCES|EPERM|permission denied/i.test((error as Error).message);
}
