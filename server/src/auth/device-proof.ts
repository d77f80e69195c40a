// Device keys on the server: an Ed25519 public key is parsed once to check it, and a hello's signature is verified against it.
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { helloProofText } from "@wegroup/shared";

/** The key, when the text is an Ed25519 public key in SPKI DER, base64url; undefined otherwise. */
export function parseDevicePublicKey(text: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(text, "base64url"), format: "der", type: "spki" });
    return key.asymmetricKeyType === "ed25519" ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `signature` signs this connection's nonce and this device id with the key. */
export function verifyHelloProof(publicKey: string, nonce: string, deviceId: string, signature: string): boolean {
  const key = parseDevicePublicKey(publicKey);
  if (key === undefined) return false;
  try {
    return verify(null, Buffer.from(helloProofText(nonce, deviceId), "utf8"), key, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}
