// Device authentication on hello: the credential whose hash the device row holds, and — once the device has a key — a signature of this connection's nonce.
import type { HelloFrame } from "@wegroup/shared";
import type { Kysely } from "kysely";
import { recordAudit } from "../store/audit.js";
import { Batcher } from "../ingest/batcher.js";
import { bindDevicePublicKey, type DeviceCredentialRow, findDeviceCredential, findDeviceCredentials } from "../store/devices.js";
import type { Database } from "../store/schema.js";
import { verifyHelloProof } from "./device-proof.js";
import { secretMatches } from "./secrets.js";

export type DeviceAuthResult =
  | "ok"
  | "unknown-device"
  | "wrong-credential"
  /** The device has a key and the hello carries no signature (an old agent, or the nonce header was lost). */
  | "proof-required"
  /** The signature does not verify with the device's key (or the key offered for binding). */
  | "wrong-proof";

export interface DeviceAuthOutcome {
  result: DeviceAuthResult;
  /** How the device proved itself: its key, its key bound just now (first use), or the credential alone (enrolled before keys). */
  via?: "key" | "key-bound" | "credential-only";
}

/** How a hello's device row is found: one query each, or batched with the hellos arriving with it (credentialBatcher). */
export type CredentialLookup = (deviceId: string) => Promise<DeviceCredentialRow | undefined>;

/**
 * Hellos that arrive together (a fleet reconnecting after a restart) share one query for their device rows instead of
 * one each: the lookups of a millisecond go out as one `where id in (…)`, the next gather while it runs.
 */
export function credentialBatcher(db: Kysely<Database>): CredentialLookup {
  const batcher = new Batcher<string, DeviceCredentialRow | undefined>((ids) => findDeviceCredentials(db, ids), {
    maxItems: 500,
    maxDelayMs: 1,
  });
  return (deviceId) => batcher.submit(deviceId);
}

export type HelloIdentity = Pick<HelloFrame, "deviceId" | "credential" | "signature" | "publicKey">;

/**
 * The credential alone opens nothing once a device has a key: a copied credential (a backup, a log) without
 * the private key is refused. A device enrolled before keys binds the key its upgraded agent offers, on first
 * use, and is held to it from then on.
 */
export async function authenticateDevice(
  db: Kysely<Database>,
  hello: HelloIdentity,
  nonce: string | undefined,
  now: () => string,
  lookup: CredentialLookup = (id) => findDeviceCredential(db, id),
): Promise<DeviceAuthOutcome> {
  const row = await lookup(hello.deviceId);
  if (row === undefined) return { result: "unknown-device" };
  if (!secretMatches(hello.credential, row.credential_hash)) return { result: "wrong-credential" };
  const proves = (key: string): boolean =>
    nonce !== undefined && hello.signature !== undefined && verifyHelloProof(key, nonce, hello.deviceId, hello.signature);
  if (row.public_key !== null) {
    if (hello.signature === undefined) return { result: "proof-required" };
    return proves(row.public_key) ? { result: "ok", via: "key" } : { result: "wrong-proof" };
  }
  if (hello.publicKey === undefined) return { result: "ok", via: "credential-only" };
  if (!proves(hello.publicKey)) return { result: "wrong-proof" };
  const bound = await db.transaction().execute(async (trx) => {
    if (!(await bindDevicePublicKey(trx, hello.deviceId, hello.publicKey ?? ""))) return false;
    await recordAudit(trx, { at: now(), actor: `device ${hello.deviceId}`, action: "device.key-bind", target: `device ${hello.deviceId}` });
    return true;
  });
  if (bound) return { result: "ok", via: "key-bound" };
  // Another connection bound a key first: this one must prove that key.
  const again = await findDeviceCredential(db, hello.deviceId);
  return again?.public_key !== null && again !== undefined && proves(again.public_key)
    ? { result: "ok", via: "key" }
    : { result: "wrong-proof" };
}
