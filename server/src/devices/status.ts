// Whether a device is compliant, noncompliant, unknown or offline: from its last sign of life, its connection, its open violations and its latest results.
import type { DeviceStatus } from "@wegroup/shared";
import { goodbyeWasLast } from "../violations/presence.js";

/** Missed heartbeats before a device counts as silent: the `offline` status and the agent-silent watchdog share the rule. */
export const SILENT_HEARTBEATS = 3;

export interface StatusInput {
  lastSeen: string | null;
  connected: boolean;
  openViolations: number;
  /** Checks whose latest result is `pass` or `fail`; 0 when no report came yet or every check is `unknown`. */
  knownChecks: number;
  /** The agent's last frame was its goodbye (it went to sleep, shut down, was stopped…): offline at once. */
  saidGoodbye?: boolean;
}

/** Offline: not connected, and gone with a goodbye or silent for SILENT_HEARTBEATS heartbeat intervals. */
export function isOffline(d: Pick<StatusInput, "lastSeen" | "connected" | "saidGoodbye">, now: Date, heartbeatSeconds: number): boolean {
  if (d.connected) return false;
  if (d.saidGoodbye === true) return true;
  const silentForMs = d.lastSeen === null ? Number.POSITIVE_INFINITY : now.getTime() - Date.parse(d.lastSeen);
  return silentForMs > SILENT_HEARTBEATS * heartbeatSeconds * 1000;
}

/**
 * Out of reach for a policy push: offline, or not connected here and stopped on purpose (a goodbye) with no sign
 * of life since — it gets the policy when it connects again. (A device on another instance has been seen since.)
 */
export function isUnreachable(
  d: Pick<StatusInput, "lastSeen" | "connected"> & { goodbyeAt: string | null },
  now: Date,
  heartbeatSeconds: number,
): boolean {
  if (isOffline(d, now, heartbeatSeconds)) return true;
  // The same "last frame was a goodbye" as the device's presence (violations/presence.ts), slack included.
  return !d.connected && goodbyeWasLast(d);
}

/** Offline first; then open violations make it noncompliant; a device no check could judge is unknown, never compliant. */
export function deviceStatus(d: StatusInput, now: Date, heartbeatSeconds: number): DeviceStatus {
  if (isOffline(d, now, heartbeatSeconds)) return "offline";
  if (d.openViolations > 0) return "noncompliant";
  return d.knownChecks === 0 ? "unknown" : "compliant";
}
