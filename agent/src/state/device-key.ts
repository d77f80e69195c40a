// The device's Ed25519 key: made at enrollment, private half 0600 in the state dir; every hello signs the connection's nonce with it.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { readFile } from "node:fs/promises";
import { AppError, helloProofText } from "@wegroup/shared";
import { writeFileDurably } from "./files.js";

export interface DeviceKey {
  /** SPKI DER, base64url: what the server stores. */
  readonly publicKey: string;
  /** Ed25519 signature of `helloProofText(nonce, deviceId)`, base64url. */
  signHello(nonce: string, deviceId: string): string;
}

function deviceKeyOf(privateKey: KeyObject): DeviceKey {
  const publicKey = createPublicKey(privateKey).export({ format: "der", type: "spki" }).toString("base64url");
  return {
    publicKey,
    signHello: (nonce, deviceId) => sign(null, Buffer.from(helloProofText(nonce, deviceId), "utf8"), privateKey).toString("base64url"),
  };
}

/** A new key pair, not yet stored: enrollment writes it only once the server has accepted its public half. */
export function newDeviceKey(): { key: DeviceKey; pem: string } {
  const { privateKey } = generateKeyPairSync("ed25519");
  return { key: deviceKeyOf(privateKey), pem: privateKey.export({ format: "pem", type: "pkcs8" }).toString() };
}

export async function saveDeviceKey(path: string, pem: string): Promise<void> {
  await writeFileDurably(path, pem, 0o600);
}

/** The stored key; undefined when there is none (a device enrolled before keys). A damaged file names itself and the way out. */
export async function loadDeviceKey(path: string): Promise<DeviceKey | undefined> {
  let pem: string;
  try {
    pem = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new AppError(
      "unavailable",
      `cannot read the device key ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); run the agent as the user that enrolled it`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw damaged(path, "not a PEM private key");
  }
  if (key.asymmetricKeyType !== "ed25519") throw damaged(path, `a ${key.asymmetricKeyType ?? "unknown"} key, expected Ed25519`);
  return deviceKeyOf(key);
}

function damaged(path: string, what: string): AppError {
  return new AppError(
    "not_enrolled",
    `the device key ${path} is damaged (${what}). Enroll again: compliance-agent enroll --server URL --secret SECRET`,
  );
}
