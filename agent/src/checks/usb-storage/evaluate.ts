// USB storage: no USB mass-storage device may be attached or mounted, except those IT listed.
import { fail, pass, type CheckResult, type CheckViolation, type UsbException, type UsbStoragePolicy } from "@wegroup/shared";
import type { UsbFacts, UsbStorageDevice } from "./facts.js";

export function evaluateUsbStorage(facts: UsbFacts, policy: UsbStoragePolicy): CheckResult {
  const note = facts.missingSources.length > 0 ? `not available here: ${facts.missingSources.join("; ")}` : undefined;
  const offending = offendingDevices(facts, policy);
  return offending.length === 0 ? pass("usb-storage", note) : fail("usb-storage", offending.map(toViolation), note);
}

/** The devices the policy objects to, one per subject: what the verdict lists and what enforcement acts on. */
export function offendingDevices(facts: UsbFacts, policy: UsbStoragePolicy): UsbStorageDevice[] {
  if (policy.allowed) return [];
  return dedupe(facts.devices).filter((d) => !isEmptyBuiltInReader(d) && !isExcepted(d, policy.exceptions));
}

/**
 * The laptop's own card reader with no card in it stores nothing and cannot be unplugged: not a
 * violation. A card in it, or any plugged-in device (even an empty DVD drive), is. An unknown
 * medium counts as present, so silence never passes.
 */
export function isEmptyBuiltInReader(device: UsbStorageDevice): boolean {
  return device.builtIn === true && (device.mediaPresent === false || (device.mediaPresent === undefined && device.sizeBytes === 0));
}

/** The subject of a device's violation: its serial, else vendor:product, else its OS name. */
export function usbSubject(device: UsbStorageDevice): string {
  if (device.serial !== undefined && device.serial !== "") return device.serial;
  if (device.vendorId !== undefined && device.productId !== undefined) return `${device.vendorId}:${device.productId}`;
  return device.name;
}

export function isExcepted(device: UsbStorageDevice, exceptions: readonly UsbException[]): boolean {
  const vendorId = normalizeId(device.vendorId);
  const productId = normalizeId(device.productId);
  const serial = device.serial?.trim().toLowerCase();
  return exceptions.some(
    (e) =>
      (e.vendorId === undefined || e.vendorId === vendorId) &&
      (e.productId === undefined || e.productId === productId) &&
      (e.serial === undefined || e.serial.trim().toLowerCase() === serial),
  );
}

/** Policy ids are 4 lowercase hex digits; collectors may say 0x0781 or 781. */
function normalizeId(id: string | undefined): string | undefined {
  return id === undefined ? undefined : id.trim().replace(/^0x/i, "").toLowerCase().padStart(4, "0");
}

/** Several sources may see the same device: keep one per subject, merging what each knew. */
function dedupe(devices: readonly UsbStorageDevice[]): UsbStorageDevice[] {
  const bySubject = new Map<string, UsbStorageDevice>();
  for (const device of devices) {
    const subject = usbSubject(device);
    const seen = bySubject.get(subject);
    if (seen === undefined) {
      bySubject.set(subject, { ...device, mountpoints: [...device.mountpoints] });
      continue;
    }
    for (const m of device.mountpoints) if (!seen.mountpoints.includes(m)) seen.mountpoints.push(m);
    seen.vendor ??= device.vendor;
    seen.model ??= device.model;
    seen.vendorId ??= device.vendorId;
    seen.productId ??= device.productId;
    if (device.sizeBytes !== undefined) seen.sizeBytes = Math.max(seen.sizeBytes ?? 0, device.sizeBytes);
    if (device.builtIn === true) seen.builtIn = true;
    // Either view seeing a medium wins; both must say "empty" for the slot to count as empty.
    seen.mediaPresent =
      seen.mediaPresent === true || device.mediaPresent === true
        ? true
        : seen.mediaPresent === false && device.mediaPresent === false
          ? false
          : undefined;
    if (seen.mediaPresent === undefined) delete seen.mediaPresent;
  }
  return [...bySubject.values()];
}

function toViolation(device: UsbStorageDevice): CheckViolation {
  const label = [device.vendor, device.model]
    .filter((s) => s !== undefined && s.trim() !== "")
    .join(" ")
    .trim();
  const ids = device.vendorId !== undefined ? ` [${device.vendorId}:${device.productId ?? "????"}]` : "";
  const where = device.mountpoints.length > 0 ? `mounted at ${device.mountpoints.join(", ")}` : "attached, not mounted";
  return {
    subject: usbSubject(device),
    message: `USB mass-storage device ${[label, ids.trim(), "is"].filter((s) => s !== "").join(" ")} ${where} (${device.name}, seen by ${device.source})`,
    observed: `${label === "" ? "USB storage device" : label}${ids} ${where}`,
    expected: "no USB mass-storage device attached or mounted",
  };
}
