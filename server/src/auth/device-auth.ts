// Device credentials: a hello is let in only with the credential whose hash the device row holds.
import { findDeviceCredential } from "../store/devices.js";
import type { Db } from "../store/schema.js";
import { secretMatches } from "./secrets.js";

export type DeviceAuthResult = "ok" | "unknown-device" | "wrong-credential";

export async function authenticateDevice(db: Db, deviceId: string, credential: string): Promise<DeviceAuthResult> {
  const row = await findDeviceCredential(db, deviceId);
  if (row === undefined) return "unknown-device";
  return secretMatches(credential, row.credential_hash) ? "ok" : "wrong-credential";
}
