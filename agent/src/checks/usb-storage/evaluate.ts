// USB storage: no USB mass-storage device may be attached or mounted, except those IT listed.
import { fail, pass, type CheckResult, type CheckViolation, type UsbException, type UsbStoragePolicy } from "@wegroup/shared";
import type { UsbFacts, UsbStorageDevice } from "./facts.js";

export function evaluateUsbStorage(facts: UsbFacts, policy: UsbStoragePolicy): CheckResult {
  const note = facts.missingSources.length > 0 ? `not available here: ${facts.missingSources.join("; ")}` : undefined;
  if (policy.allowed) return pass("usb-storage", note);
  const offending = dedupe(facts.devices).filter((d) => !isExcepted(d, policy.exceptions));
  return offending.length === 0 ? pass("usb-storage", note) : fail("usb-storage", offending.map(toViolation), note);
}

/** The subject of a device's violation: its serial, else vendor:product, else its OS name. */
export function usbSubject(device: UsbStorageDevice): string {
  if (device.serial !== undefined && device.serial !== "") return device.serial;
  if (device.vendorId !== undefined && device.productId !== undefined) return `${device.vendorId}:${device.productId}`;
  return device.name;
}

export function isExcepted(device: UsbStorageDevice, exceptions: readonly UsbException[]): boolean {
  return exceptions.some(
    (e) =>
      (e.vendorId === undefined || e.vendorId === device.vendorId) &&
      (e.productId === undefined || e.productId === device.productId) &&
      (e.serial === undefined || e.serial.toLowerCase() === device.serial?.toLowerCase()),
  );
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
    seen.sizeBytes ??= device.sizeBytes;
  }
  return [...bySubject.values()];
}

function toViolation(device: UsbStorageDevice): CheckViolation {
  const label = [device.vendor, device.model].filter((s) => s !== undefined && s.trim() !== "").join(" ").trim() || "USB storage device";
  const ids = device.vendorId !== undefined ? ` [${device.vendorId}:${device.productId ?? "????"}]` : "";
  const where = device.mountpoints.length > 0 ? `mounted at ${device.mountpoints.join(", ")}` : "attached, not mounted";
  return {
    subject: usbSubject(device),
    message: `USB mass-storage device ${label}${ids} is ${where} (${device.name}, seen by ${device.source})`,
    observed: `${label}${ids} ${where}`,
    expected: "no USB mass-storage device attached or mounted",
  };
}
