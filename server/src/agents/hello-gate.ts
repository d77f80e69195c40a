// What a connection refuses before it is authenticated, and how: the first frame's size and nesting, then each way a hello can fail.
import type { ErrorCode } from "@wegroup/shared";
import type { DeviceAuthResult } from "../auth/device-auth.js";
import { nestsDeeperThan } from "../limits/json-depth.js";

export interface HelloLimits {
  helloMaxBytes: number;
  helloMaxDepth: number;
}

export interface Refusal {
  code: ErrorCode;
  /** For the peer (error frame and close reason). */
  message: string;
  /** For the log (warn), when the refusal is worth an operator's attention; never a secret. */
  log?: { msg: string; fields: Record<string, unknown> };
}

/**
 * Checked on the bytes, before JSON.parse: a deeply nested or oversized first frame costs a length check and
 * one linear scan, not a parse. (The socket's message limit normally refuses an oversized one by its header.)
 */
export function firstFrameRefusal(bytes: Uint8Array, limits: HelloLimits): Refusal | undefined {
  if (bytes.length > limits.helloMaxBytes) {
    return {
      code: "payload_too_large",
      message: `the first frame must be a hello of at most ${limits.helloMaxBytes} bytes`,
      log: {
        msg: "pre-auth limit hit: first frame larger than a hello",
        fields: { limit: "helloMaxBytes", bytes: bytes.length, max: limits.helloMaxBytes },
      },
    };
  }
  if (nestsDeeperThan(bytes, limits.helloMaxDepth)) {
    return {
      code: "unauthorized",
      message: `the first frame must be a hello (nested at most ${limits.helloMaxDepth} deep)`,
      log: { msg: "pre-auth limit hit: first frame nested too deeply", fields: { limit: "helloMaxDepth", max: limits.helloMaxDepth } },
    };
  }
  return undefined;
}

/** Every result but "ok" refuses the hello. */
export function authRefusal(result: DeviceAuthResult): Refusal | undefined {
  switch (result) {
    case "ok":
      return undefined;
    case "unknown-device":
      return { code: "not_enrolled", message: "this device is not enrolled (or was removed); enroll it again" };
    case "wrong-credential":
      return { code: "unauthorized", message: "wrong device credential; enroll again" };
    case "proof-required":
      return {
        code: "unauthorized",
        message:
          "this device is bound to a key: the hello must be signed (upgrade the agent; a proxy must pass the x-compliance-nonce header)",
        log: { msg: "hello without a signature for a device bound to a key; refused", fields: {} },
      };
    case "wrong-proof":
      return {
        code: "unauthorized",
        message: "the hello's signature does not match this device's key; enroll again",
        log: { msg: "hello signature does not match the device's key; refused", fields: {} },
      };
  }
}
