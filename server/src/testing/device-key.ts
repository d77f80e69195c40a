// An agent's Ed25519 device key for tests: the public half to enroll with, and hello signatures over a connection's nonce.
import { createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { helloProofText } from "@wegroup/shared";

export interface TestDeviceKey {
  publicKey: string;
  signHello(nonce: string, deviceId: string): string;
}

export function testDeviceKey(): TestDeviceKey {
  const { privateKey } = generateKeyPairSync("ed25519");
  return {
    publicKey: createPublicKey(privateKey).export({ format: "der", type: "spki" }).toString("base64url"),
    signHello: (nonce, deviceId) => sign(null, Buffer.from(helloProofText(nonce, deviceId), "utf8"), privateKey).toString("base64url"),
  };
}
