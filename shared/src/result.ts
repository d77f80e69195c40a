// What a check says about a device: the agent's output and the payload of a report.
import { z } from "zod";
import { Int32, Text, toStorableText } from "./text.js";
import { AgentCheckId, Platform } from "./checks.js";
import { DenyCategory, SoftwareSource } from "./policy.js";

const Short = Text({ max: 300 });

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
  subject: Text({ min: 1, max: 300 }),
  message: Text({ max: 2_000 }),
  observed: Text({ max: 2_000 }),
  expected: Text({ max: 2_000 }),
  /** The policy rule that decided it (software rule id, USB exception), when there is one. */
  rule: Text({ max: 100 }).optional(),
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
  reason: Text({ max: 2_000 }).optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

/** What the agent tells about the machine it runs on: minimal, nothing personal beyond the hostname. */
export const DeviceInfo = z.object({
  hostname: Text({ min: 1, max: 255 }),
  platform: Platform,
  osName: Text({ max: 200 }).optional(),
  osVersion: Text({ max: 200 }).optional(),
  arch: Text({ max: 50 }).optional(),
  agentVersion: Text({ max: 50 }),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

/**
 * What an asset list needs about the hardware and the OS, as systeminformation reads it on the laptop (sent in the
 * hello, shown on the device API). Each is absent when the machine does not say (a VM's empty DMI, a placeholder).
 */
export const DeviceFacts = z.object({
  manufacturer: Text({ min: 1, max: 200 }).optional(),
  model: Text({ min: 1, max: 200 }).optional(),
  serial: Text({ min: 1, max: 200 }).optional(),
  /** "Debian GNU/Linux", "macOS", "Microsoft Windows 11 Pro". */
  osDistribution: Text({ min: 1, max: 200 }).optional(),
  /** "12", "14.6.1", "10.0.22631". */
  osRelease: Text({ min: 1, max: 100 }).optional(),
});
export type DeviceFacts = z.infer<typeof DeviceFacts>;

/** `compliance-agent check --json`. */
export const CheckOutput = z.object({
  device: DeviceInfo,
  policyVersion: Int32,
  results: z.array(CheckResult),
});
export type CheckOutput = z.infer<typeof CheckOutput>;

export const pass = (check: AgentCheckId, reason?: string): CheckResult =>
  reason === undefined ? { check, status: "pass", violations: [] } : { check, status: "pass", violations: [], reason };

export const fail = (check: AgentCheckId, violations: CheckViolation[], reason?: string): CheckResult =>
  reason === undefined ? { check, status: "fail", violations } : { check, status: "fail", violations, reason };

export const unknown = (check: AgentCheckId, reason: string): CheckResult => ({ check, status: "unknown", violations: [], reason });

/** A report lists at most this many violations, all its checks together: the server refuses more (a device could flood it). */
export const MAX_VIOLATIONS_PER_REPORT = 1_000;

export function countViolations(results: readonly { violations: readonly unknown[] }[]): number {
  return results.reduce((n, r) => n + r.violations.length, 0);
}

/**
 * What the agent may send of its own results: text the server can store (NUL dropped, lone surrogates
 * replaced) and at most `cap` violations. Over the cap, each check keeps a fair share (the same
 * subjects every time: sorted), and its reason says how many more there are.
 */
export function fitForReport(results: readonly CheckResult[], cap: number = MAX_VIOLATIONS_PER_REPORT): CheckResult[] {
  const clean = results.map(storableResult);
  if (countViolations(clean) <= cap) return clean;
  const shares = fairShares(
    clean.map((r) => r.violations.length),
    clean.map((r) => r.check),
    cap,
  );
  return clean.map((result, i) => {
    const keep = shares[i] ?? 0;
    if (keep >= result.violations.length) return result;
    const dropped = result.violations.length - keep;
    const note = `${dropped} more violation${dropped === 1 ? "" : "s"} not listed (a report lists at most ${cap})`;
    const violations = [...result.violations].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0)).slice(0, keep);
    const reason = result.reason === undefined ? note : `${result.reason}; ${note}`.slice(0, 2_000);
    return { ...result, violations, reason };
  });
}

/** Water-filling: small lists are kept whole, the rest split what is left evenly (a remainder goes by check name, so order does not matter). */
function fairShares(sizes: readonly number[], names: readonly string[], cap: number): number[] {
  const shares = sizes.map(() => 0);
  let left = cap;
  let open = sizes
    .map((_, i) => i)
    .filter((i) => (sizes[i] ?? 0) > 0)
    .sort((a, b) => ((names[a] ?? "") < (names[b] ?? "") ? -1 : 1));
  while (left > 0 && open.length > 0) {
    const each = Math.max(1, Math.floor(left / open.length));
    for (const i of open) {
      const give = Math.min(each, (sizes[i] ?? 0) - (shares[i] ?? 0), left);
      shares[i] = (shares[i] ?? 0) + give;
      left -= give;
    }
    open = open.filter((i) => (shares[i] ?? 0) < (sizes[i] ?? 0));
  }
  return shares;
}

function storableResult(result: CheckResult): CheckResult {
  const violations = result.violations.map((v) => {
    const out: CheckViolation = {
      subject: toStorableText(v.subject) || "\uFFFD",
      message: toStorableText(v.message),
      observed: toStorableText(v.observed),
      expected: toStorableText(v.expected),
    };
    if (v.rule !== undefined) out.rule = toStorableText(v.rule);
    return out;
  });
  return result.reason === undefined ? { ...result, violations } : { ...result, violations, reason: toStorableText(result.reason) };
}

/** The device facts as the server can store them. */
export function storableDevice(device: DeviceInfo): DeviceInfo {
  const out: DeviceInfo = {
    ...device,
    hostname: toStorableText(device.hostname) || "unnamed",
    agentVersion: toStorableText(device.agentVersion),
  };
  if (device.osName !== undefined) out.osName = toStorableText(device.osName);
  if (device.osVersion !== undefined) out.osVersion = toStorableText(device.osVersion);
  if (device.arch !== undefined) out.arch = toStorableText(device.arch);
  return out;
}
