// Every frame between agent and server on the WebSocket channel: one schema per message.
import { z } from "zod";
import { ErrorCode } from "./errors.js";
import { Policy } from "./policy.js";
import { CheckResult, countViolations, DeviceFacts, DeviceInfo, MAX_VIOLATIONS_PER_REPORT } from "./result.js";
import { Int32, Text } from "./text.js";

/** Largest frame either side accepts; a larger one is refused with `payload_too_large`. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
export const PROTOCOL_VERSION = 1;
export const AGENT_CHANNEL_PATH = "/api/v1/agent";
/**
 * The server answers every agent-channel upgrade with a fresh random nonce in this header; a device bound to a
 * key proves possession by signing it (see `helloProofText`), so a captured credential or hello is worth nothing
 * on another connection.
 */
export const HELLO_NONCE_HEADER = "x-compliance-nonce";

const Id = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, { message: "expected an id of letters, digits, - and _" });
const Timestamp = z.iso.datetime({ offset: true });
/** An Ed25519 public key: its SPKI DER encoding, base64url (59 characters). */
export const DevicePublicKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{40,120}$/, { message: "expected an Ed25519 public key (SPKI DER, base64url)" });
/** An Ed25519 signature, base64url (86 characters). */
const Signature = z.string().regex(/^[A-Za-z0-9_-]{80,100}$/, { message: "expected an Ed25519 signature (base64url)" });

/** The exact bytes a device signs in its hello: bound to this protocol, the connection's nonce and the device. */
export function helloProofText(nonce: string, deviceId: string): string {
  return `compliance-agent-hello/1\n${nonce}\n${deviceId}`;
}

// ── agent → server ──────────────────────────────────────────────────────────

/**
 * Why an agent stops, said in its goodbye: the OS shuts down or goes to sleep (nothing to see), someone stopped the
 * service or removed the agent (a violation while the OS runs), or a package upgrade restarts it.
 */
export const GoodbyeReason = z.enum(["system-shutdown", "system-sleep", "service-stop", "uninstall", "upgrade"]);
export type GoodbyeReason = z.infer<typeof GoodbyeReason>;

/** How the agent's previous run on this device ended, as it recorded it in its state dir. */
export const PreviousRun = z.object({
  /** The OS boot the previous run ran in (absent: it could not be read). */
  bootId: Text({ max: 100 }).optional(),
  startedAt: Timestamp,
  /** The last time that run recorded itself alive (its heartbeats). */
  lastAliveAt: Timestamp,
  /** The reason of its goodbye; null: it ended without one (killed, crashed, power lost). */
  endedWith: GoodbyeReason.nullable(),
});
export type PreviousRun = z.infer<typeof PreviousRun>;

/** First frame on every connection: who this is and what it runs. */
export const HelloFrame = z.object({
  type: z.literal("hello"),
  protocol: z.literal(PROTOCOL_VERSION),
  deviceId: Id,
  credential: Text({ min: 16, max: 256 }),
  agentVersion: Text({ max: 50 }),
  policyVersion: Int32,
  device: DeviceInfo,
  /** Model, manufacturer, serial number, OS distribution and release (additive: older agents do not send it). */
  facts: DeviceFacts.optional(),
  /** Ed25519 signature of `helloProofText(nonce, deviceId)` with the device's key; required once a key is bound. */
  signature: Signature.optional(),
  /** Sent by a device enrolled before keys existed: binds this key on first use (with a valid `signature`). */
  publicKey: DevicePublicKey.optional(),
  /** The OS boot this run runs in (Linux boot_id, macOS kern.bootsessionuuid, Windows last boot time); absent from older agents. */
  bootId: Text({ max: 100 }).optional(),
  /** When this run of the agent started: the same on every reconnection of one run. */
  runStartedAt: Timestamp.optional(),
  /** How the run before this one ended; absent on the first run (and from older agents). */
  previousRun: PreviousRun.optional(),
});
export type HelloFrame = z.infer<typeof HelloFrame>;

export const EnforcementAction = z.object({
  check: z.literal("usb-storage"),
  subject: Text({ max: 300 }),
  action: z.enum(["eject"]),
  ok: z.boolean(),
  detail: Text({ max: 2_000 }),
});
export type EnforcementAction = z.infer<typeof EnforcementAction>;

/**
 * The state of the checks it lists, as observed at `observedAt`. A check not listed is unchanged.
 * `id` is unique per report (time-ordered), so that a resend is stored once.
 */
export const ReportFrame = z
  .object({
    type: z.literal("report"),
    id: Id,
    observedAt: Timestamp,
    policyVersion: Int32,
    results: z.array(CheckResult).min(1).max(10),
    enforcement: z.array(EnforcementAction).max(100).optional(),
  })
  .refine((r) => countViolations(r.results) <= MAX_VIOLATIONS_PER_REPORT, {
    path: ["results"],
    message: `more than ${MAX_VIOLATIONS_PER_REPORT} violations in one report (the agent reports at most that many, the rest counted in the check's reason)`,
  });
export type ReportFrame = z.infer<typeof ReportFrame>;

export const HeartbeatFrame = z.object({
  type: z.literal("heartbeat"),
  policyVersion: Int32,
});
export type HeartbeatFrame = z.infer<typeof HeartbeatFrame>;

/** The agent validated and applied a pushed policy (or refused it: then an error frame instead). */
export const PolicyAppliedFrame = z.object({
  type: z.literal("policy-applied"),
  version: Int32,
});
export type PolicyAppliedFrame = z.infer<typeof PolicyAppliedFrame>;

/** Sent when the agent stops (or the OS sleeps), so that the silence that follows is explained. */
export const GoodbyeFrame = z.object({
  type: z.literal("goodbye"),
  /** Older agents said `reboot`: the same as `system-shutdown`. */
  reason: z.union([GoodbyeReason, z.literal("reboot").transform((): GoodbyeReason => "system-shutdown")]),
});
export type GoodbyeFrame = z.infer<typeof GoodbyeFrame>;

/** One violation a candidate policy would open or resolve on a device: its check, subject and, for software, the title's name. */
export const PreviewItem = z.object({
  check: z.enum(["screen-lock", "usb-storage", "software"]),
  subject: Text({ min: 1, max: 300 }),
  title: Text({ max: 300 }).optional(),
});
export type PreviewItem = z.infer<typeof PreviewItem>;

/** Most items of one preview answer; a device with more says how many it left out. */
export const MAX_PREVIEW_ITEMS = 500;

/**
 * The agent's answer to a `preview`: what the candidate policy would open and resolve against its current facts.
 * Nothing was applied or stored.
 */
export const PreviewResultFrame = z.object({
  type: z.literal("preview-result"),
  id: Id,
  opened: z.array(PreviewItem).max(MAX_PREVIEW_ITEMS),
  resolved: z.array(PreviewItem).max(MAX_PREVIEW_ITEMS),
  /** Items past MAX_PREVIEW_ITEMS that were left out. */
  omitted: Int32.min(0).optional(),
});
export type PreviewResultFrame = z.infer<typeof PreviewResultFrame>;

export const ErrorFrame = z.object({
  type: z.literal("error"),
  code: ErrorCode,
  message: Text({ max: 2_000 }),
  /** The id of the frame this error answers, when it answers one. */
  ref: Text({ max: 64 }).optional(),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;

export const AgentFrame = z.discriminatedUnion("type", [
  HelloFrame,
  ReportFrame,
  HeartbeatFrame,
  PolicyAppliedFrame,
  GoodbyeFrame,
  PreviewResultFrame,
  ErrorFrame,
]);
export type AgentFrame = z.infer<typeof AgentFrame>;

// ── server → agent ──────────────────────────────────────────────────────────

export const WelcomeFrame = z.object({
  type: z.literal("welcome"),
  deviceId: Id,
  serverTime: Timestamp,
  heartbeatSeconds: Int32.min(1),
  /** The newest policy version; when it differs from the agent's, a policy frame follows. */
  policyVersion: Int32,
});
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;

/** The report `id` is durably stored; the agent may now delete it from its outbox. */
export const AckFrame = z.object({
  type: z.literal("ack"),
  id: Id,
});
export type AckFrame = z.infer<typeof AckFrame>;

export const PolicyFrame = z.object({
  type: z.literal("policy"),
  policy: Policy,
});
export type PolicyFrame = z.infer<typeof PolicyFrame>;

/** Judge `policy` against your current facts and answer with a `preview-result` of the same id; apply and store nothing. */
export const PreviewFrame = z.object({
  type: z.literal("preview"),
  id: Id,
  policy: Policy,
});
export type PreviewFrame = z.infer<typeof PreviewFrame>;

export const ServerFrame = z.discriminatedUnion("type", [WelcomeFrame, AckFrame, PolicyFrame, PreviewFrame, ErrorFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;
