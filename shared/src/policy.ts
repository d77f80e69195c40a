// The policy document IT edits and the server pushes: one schema, types inferred from it.
import { z } from "zod";
import { patternProblem } from "./pattern.js";
import { Int32, Text } from "./text.js";

/** Where an installed-software entry came from; rules may be scoped to one source. */
export const SoftwareSource = z.enum([
  "dpkg",
  "rpm",
  "snap",
  "flatpak",
  "homebrew",
  "app", // macOS application bundle
  "pkgutil", // macOS installer receipt
  "registry", // Windows Uninstall keys
  "winget",
  "appx",
]);
export type SoftwareSource = z.infer<typeof SoftwareSource>;

const COMPARATOR = String.raw`(?:>=|<=|>|<|==|=|!=)\s*[^\s,<>=!]+`;
/** `>=7.0 <8`, `<7.94`, `=4.5`: comparators joined by spaces or commas, compared in the source's own version order. */
export const VersionRange = Text({ max: 200 }).regex(new RegExp(String.raw`^\s*${COMPARATOR}(?:\s*,?\s*${COMPARATOR})*\s*$`), {
  message: 'expected a version range such as ">=1.2 <2.0" (operators >=, >, <=, <, =, !=)',
});

/** The prohibited activity a deny rule stands for; the violation's message names it ("Wireshark — sniffer"). */
export const DenyCategory = z.enum([
  "port-scanner",
  "network-scanner",
  "password-cracker",
  "sniffer",
  "network-monitor",
  "interception-proxy",
  "exploitation",
  "vulnerability-scanner",
  "credential-theft",
  "wireless-attack",
  "remote-access",
  "malware",
]);
export type DenyCategory = z.infer<typeof DenyCategory>;

/** A pattern of the policy dialect (see pattern.ts): `*` and `?` are wildcards, everything else is literal. */
const RulePattern = Text({ min: 1, max: 200 })
  .superRefine((value, ctx) => {
    const problem = patternProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  })
  // patternProblem in JSON Schema (for editors and generated clients): no control character, no lone surrogate.
  .meta({ not: { pattern: "[\\u0000-\\u001f\\u007f\\ud800-\\udfff]" } });

const RULE_MATCHERS = ["name", "publisher", "bundleId", "teamId", "signer", "origin", "source"] as const;

export const SoftwareRule = z
  .strictObject({
    /** Stable name of the rule, used by exemptions and in violation messages. */
    id: Text({ min: 1, max: 100 }).optional(),
    /** Pattern against the title's name, its key and every package name or id folded into it. */
    name: RulePattern.optional(),
    /** Pattern against the publisher a verified identity states (certificate O=, AppX publisher, verified snap publisher). */
    publisher: RulePattern.optional(),
    /** Pattern against a bundle identifier (macOS), Flatpak application id, winget or AppX id. */
    bundleId: RulePattern.optional(),
    /** Pattern against the macOS signing team id (`EQHXZ8M8AV`). */
    teamId: RulePattern.optional(),
    /** Pattern against the verified signer (Authenticode subject CN, macOS leaf authority, rpm key). */
    signer: RulePattern.optional(),
    /** Pattern against where the package came from (apt repository, rpm key, snap publisher, Flatpak remote, Homebrew tap, `local`). */
    origin: RulePattern.optional(),
    source: SoftwareSource.optional(),
    version: VersionRange.optional(),
    /** The prohibited activity (deny rules): named in the violation's message. */
    category: DenyCategory.optional(),
    /** Why the rule exists, shown to people (e.g. "Nmap's netcat"). */
    reason: Text({ max: 500 }).optional(),
  })
  .refine((r) => RULE_MATCHERS.some((field) => r[field] !== undefined), {
    message: `a rule needs at least one of ${RULE_MATCHERS.join(", ")}`,
  })
  // "At least one of" in JSON Schema: not (every matcher absent). Generated clients ignore `not` and keep the object type
  // (an anyOf of `required` lists would turn it into a union with unknown).
  .meta({ not: { properties: Object.fromEntries(RULE_MATCHERS.map((field) => [field, false])) } });
export type SoftwareRule = z.infer<typeof SoftwareRule>;

// overwrite, not transform: a string stays a string, so the JSON Schema (and a client generated from it) says so.
const HexId = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{1,4}$/, { message: 'expected a USB id of 1-4 hex digits such as "0781"' })
  .overwrite((s) => s.replace(/^0x/i, "").toLowerCase().padStart(4, "0"));

export const UsbException = z
  .strictObject({
    vendorId: HexId.optional(),
    productId: HexId.optional(),
    serial: Text({ min: 1, max: 256 }).optional(),
    note: Text({ max: 500 }).optional(),
  })
  .refine((e) => e.vendorId !== undefined || e.serial !== undefined, {
    message: "an exception needs a vendorId or a serial",
  })
  .meta({ not: { properties: { vendorId: false, serial: false } } });
export type UsbException = z.infer<typeof UsbException>;

export const ScreenLockPolicy = z.strictObject({
  maxIdleSeconds: z.number().int().min(1).max(86_400).default(900),
  requirePassword: z.boolean().default(true),
});
export type ScreenLockPolicy = z.infer<typeof ScreenLockPolicy>;

export const UsbStoragePolicy = z.strictObject({
  allowed: z.boolean().default(false),
  enforce: z.enum(["report", "eject"]).default("report"),
  exceptions: z.array(UsbException).max(10_000).default([]),
});
export type UsbStoragePolicy = z.infer<typeof UsbStoragePolicy>;

export const SoftwarePolicy = z.strictObject({
  mode: z.enum(["allowlist", "denylist"]).default("allowlist"),
  allow: z.array(SoftwareRule).max(20_000).default([]),
  deny: z.array(SoftwareRule).max(20_000).default([]),
});
export type SoftwarePolicy = z.infer<typeof SoftwarePolicy>;

export const Policy = z.strictObject({
  /** Set by the server on every stored version; a policy file for `check --policy` may say 0. */
  version: Int32,
  screenLock: ScreenLockPolicy,
  usbStorage: UsbStoragePolicy,
  software: SoftwarePolicy,
  heartbeatSeconds: z.number().int().min(5).max(3_600).default(60),
  /** A device unseen for longer than this opens `agent-silent` (a sleeping or shut-down laptop opens nothing before). */
  maxOfflineDays: z.number().int().min(1).max(365).default(14),
  /**
   * Whether the agent tells the person signed in on the laptop, once, when a violation opens there (a desktop
   * notification with what is wrong and how to fix it). Absent means on; false turns it off.
   */
  notifyUser: z.boolean().optional(),
});
export type Policy = z.infer<typeof Policy>;
/** What a person writes (defaults not yet filled in). */
export type PolicyInput = z.input<typeof Policy>;

/** `$schema`: the usual way an editor links a file to its JSON Schema; accepted in a policy file or body and dropped. */
export const SchemaLink = z.string().max(2_000).optional();

/** A policy file as a person writes it (`check --policy FILE`): the policy, perhaps with its `$schema` link, which is dropped. */
export const PolicyFile = Policy.extend({ $schema: SchemaLink }).transform(({ $schema: _link, ...policy }) => policy);

/** The JSON Schema of the policy document, for editors (also written to shared/policy.schema.json). */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PolicyFile, { io: "input", unrepresentable: "any" });
}
