// What a check says about a device: the agent's output and the payload of a report.
import { z } from "zod";
import { AgentCheckId, Platform } from "./checks.js";
import { DenyCategory, SoftwareSource } from "./policy.js";

const Short = z.string().max(300);

/** What the security team and IT read about a software title that fails (the software check's violations carry it). */
export const SoftwareTitleDetail = z.object({
  /** The display name ("Wireshark"); the violation's subject is the title's stable key. */
  name: Short,
  verdict: z.enum(["denied", "unapproved"]),
  category: DenyCategory.optional(),
  versions: z.array(Short).max(20),
  sources: z.array(SoftwareSource).max(10),
  /** Verified identity: signing team, signer, origin, publisher stated by a signature. */
  identity: z.object({ teamId: Short.optional(), signer: Short.optional(), origin: Short.optional(), publisher: Short.optional() }),
  /** What the software says about itself (never trusted). */
  declaredPublisher: Short.optional(),
  bundleId: Short.optional(),
  /** `dependency` or `component` when a denied title was not installed by a person on purpose. */
  scope: z.enum(["installed", "dependency", "component"]),
});
export type SoftwareTitleDetail = z.infer<typeof SoftwareTitleDetail>;

export const CheckViolation = z.object({
  /** What is wrong within the check: a user, a device serial, a software title's key (never a version). */
  subject: z.string().min(1).max(300),
  message: z.string().max(2_000),
  observed: z.string().max(2_000),
  expected: z.string().max(2_000),
  /** The policy rule that decided it (software rule id, USB exception), when there is one. */
  rule: z.string().max(100).optional(),
  /** The software title that fails (software check only). */
  title: SoftwareTitleDetail.optional(),
});
export type CheckViolation = z.infer<typeof CheckViolation>;

export const CheckStatus = z.enum(["pass", "fail", "unknown"]);
export type CheckStatus = z.infer<typeof CheckStatus>;

export const CheckResult = z.object({
  check: AgentCheckId,
  status: CheckStatus,
  violations: z.array(CheckViolation).max(10_000),
  /** Why the check is `unknown` (or a note on a pass/fail, e.g. a source that was missing). */
  reason: z.string().max(2_000).optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

/** What the agent tells about the machine it runs on: minimal, nothing personal beyond the hostname. */
export const DeviceInfo = z.object({
  hostname: z.string().min(1).max(255),
  platform: Platform,
  osName: z.string().max(200).optional(),
  osVersion: z.string().max(200).optional(),
  arch: z.string().max(50).optional(),
  agentVersion: z.string().max(50),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

/** `compliance-agent check --json`. */
export const CheckOutput = z.object({
  device: DeviceInfo,
  policyVersion: z.number().int().min(0),
  results: z.array(CheckResult),
});
export type CheckOutput = z.infer<typeof CheckOutput>;

export const pass = (check: AgentCheckId, reason?: string): CheckResult =>
  reason === undefined ? { check, status: "pass", violations: [] } : { check, status: "pass", violations: [], reason };

export const fail = (check: AgentCheckId, violations: CheckViolation[], reason?: string): CheckResult =>
  reason === undefined ? { check, status: "fail", violations } : { check, status: "fail", violations, reason };

export const unknown = (check: AgentCheckId, reason: string): CheckResult => ({ check, status: "unknown", violations: [], reason });
