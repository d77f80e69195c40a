// The policy document IT edits and the server pushes: one schema, types inferred from it.
import { z } from "zod";
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
export const VersionRange = Text({ max: 200 })
  .regex(new RegExp(String.raw`^\s*${COMPARATOR}(?:\s*,?\s*${COMPARATOR})*\s*$`), {
    message: 'expected a version range such as ">=1.2 <2.0" (operators >=, >, <=, <, =, !=)',
  });

export const SoftwareRule = z
  .strictObject({
    /** Stable name of the rule, used by exemptions and in violation messages. */
    id: Text({ min: 1, max: 100 }).optional(),
    /** Case-insensitive glob against the package or application name. */
    name: Text({ min: 1, max: 200 }).optional(),
    /** Case-insensitive glob against the publisher, vendor or maintainer. */
    publisher: Text({ min: 1, max: 200 }).optional(),
    /** Case-insensitive glob against a bundle identifier (macOS), flatpak application id, winget or AppX id. */
    bundleId: Text({ min: 1, max: 200 }).optional(),
    source: SoftwareSource.optional(),
    version: VersionRange.optional(),
    /** Why the rule exists, shown to people (e.g. "port scanner"). */
    reason: Text({ max: 500 }).optional(),
  })
  .refine((r) => r.name !== undefined || r.publisher !== undefined || r.bundleId !== undefined || r.source !== undefined, {
    message: "a rule needs at least one of name, publisher, bundleId or source",
  });
export type SoftwareRule = z.infer<typeof SoftwareRule>;

const HexId = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{1,4}$/, { message: 'expected a USB id of 1-4 hex digits such as "0781"' })
  .transform((s) => s.replace(/^0x/i, "").toLowerCase().padStart(4, "0"));

export const UsbException = z
  .strictObject({
    vendorId: HexId.optional(),
    productId: HexId.optional(),
    serial: Text({ min: 1, max: 256 }).optional(),
    note: Text({ max: 500 }).optional(),
  })
  .refine((e) => e.vendorId !== undefined || e.serial !== undefined, {
    message: "an exception needs a vendorId or a serial",
  });
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
});
export type Policy = z.infer<typeof Policy>;
/** What a person writes (defaults not yet filled in). */
export type PolicyInput = z.input<typeof Policy>;

/** The JSON Schema of the policy document, for editors (also written to shared/policy.schema.json). */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(Policy, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
