// What changed between two policy versions, in words people read in the history: "software.deny: +2 rules (masscan, zmap), −1 (nmap)".
import type { Policy, SoftwareRule, UsbException } from "@wegroup/shared";

/** Names listed per side of a list change before "…" (the full change is in the stored documents). */
const MAX_NAMES = 5;

export function summarizePolicyChange(before: Policy | undefined, after: Policy): string {
  if (before === undefined) return "first version";
  const parts: string[] = [];
  scalar(parts, "screenLock.maxIdleSeconds", before.screenLock.maxIdleSeconds, after.screenLock.maxIdleSeconds);
  scalar(parts, "screenLock.requirePassword", before.screenLock.requirePassword, after.screenLock.requirePassword);
  scalar(parts, "usbStorage.allowed", before.usbStorage.allowed, after.usbStorage.allowed);
  scalar(parts, "usbStorage.enforce", before.usbStorage.enforce, after.usbStorage.enforce);
  list(parts, "usbStorage.exceptions", "exception", before.usbStorage.exceptions, after.usbStorage.exceptions, exceptionLabel);
  scalar(parts, "software.mode", before.software.mode, after.software.mode);
  list(parts, "software.allow", "rule", before.software.allow, after.software.allow, ruleLabel);
  list(parts, "software.deny", "rule", before.software.deny, after.software.deny, ruleLabel);
  scalar(parts, "heartbeatSeconds", before.heartbeatSeconds, after.heartbeatSeconds);
  scalar(parts, "maxOfflineDays", before.maxOfflineDays, after.maxOfflineDays);
  // Absent means on.
  scalar(parts, "notifyUser", before.notifyUser !== false, after.notifyUser !== false);
  return parts.length === 0 ? "no changes" : parts.join("; ");
}

function scalar(parts: string[], path: string, before: string | number | boolean, after: string | number | boolean): void {
  if (before !== after) parts.push(`${path} ${String(before)}→${String(after)}`);
}

/**
 * A list compared as a multiset of entries (order does not matter to the agent): an edited entry
 * shows as one removed and one added, which is what it is to the matcher.
 */
function list<T>(parts: string[], path: string, noun: string, before: readonly T[], after: readonly T[], label: (item: T) => string): void {
  const remaining = new Map<string, T[]>();
  for (const item of before) {
    const key = canonical(item);
    remaining.set(key, [...(remaining.get(key) ?? []), item]);
  }
  const added: T[] = [];
  for (const item of after) {
    const key = canonical(item);
    const same = remaining.get(key);
    if (same !== undefined && same.length > 0) same.pop();
    else added.push(item);
  }
  const removed = [...remaining.values()].flat();
  if (added.length === 0 && removed.length === 0) {
    if (before.length === after.length && before.some((item, i) => canonical(item) !== canonical(after[i])))
      parts.push(`${path}: reordered`);
    return;
  }
  const changes: string[] = [];
  if (added.length > 0) changes.push(`+${added.length} ${noun}${added.length === 1 ? "" : "s"} (${names(added.map(label))})`);
  if (removed.length > 0) changes.push(`−${removed.length} (${names(removed.map(label))})`);
  parts.push(`${path}: ${changes.join(", ")}`);
}

function names(labels: readonly string[]): string {
  const unique = [...new Set(labels)];
  return unique.length <= MAX_NAMES ? unique.join(", ") : `${unique.slice(0, MAX_NAMES).join(", ")}, …`;
}

/** A rule by its id when it has one (a tool is often several rules, one per name it carries), else by what it matches. */
export function ruleLabel(rule: SoftwareRule): string {
  if (rule.id !== undefined) return rule.id;
  const what =
    rule.name ??
    rule.bundleId ??
    (rule.publisher === undefined ? undefined : `publisher ${rule.publisher}`) ??
    `source ${rule.source ?? "?"}`;
  const scoped = rule.source !== undefined && rule.name !== undefined ? `${what} [${rule.source}]` : what;
  return rule.version === undefined ? scoped : `${scoped} ${rule.version}`;
}

function exceptionLabel(e: UsbException): string {
  const ids = e.vendorId === undefined ? "" : `${e.vendorId}:${e.productId ?? "*"}`;
  return e.serial === undefined ? ids : ids === "" ? `serial ${e.serial}` : `${ids} serial ${e.serial}`;
}

/** JSON with sorted keys: two entries that say the same thing compare equal whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
