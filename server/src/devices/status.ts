// Whether a device is compliant, noncompliant or offline: from its last sign of life, its connection and its open violations.
import type { DeviceStatus } from "@wegroup/shared";

export interface StatusInput {
  lastSeen: string | null;
  connected: boolean;
  openViolations: number;
}

/** Offline: not connected and silent for three heartbeat intervals. Otherwise the open violations decide. */
export function deviceStatus(d: StatusInput, now: Date, heartbeatSeconds: number): DeviceStatus {
  const silentForMs = d.lastSeen === null ? Number.POSITIVE_INFINITY : now.getTime() - Date.parse(d.lastSeen);
  if (!d.connected && silentForMs > 3 * heartbeatSeconds * 1000) return "offline";
  return d.openViolations > 0 ? "noncompliant" : "compliant";
}
