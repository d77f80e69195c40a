// Decides which USB devices of a Mac are mass storage: system_profiler's USB tree, diskutil's external disks and their mounts, merged per disk.
import type { UsbStorageDevice } from "./facts.js";
import type { DiskutilInfo } from "./parse/diskutil-info.js";
import type { DiskutilWholeDisk } from "./parse/diskutil-list.js";
import type { SpUsbDevice, SpUsbReport } from "./parse/system-profiler-usb.js";

/** What the sources said; a source that could not be read is absent. */
export interface DarwinUsbEvidence {
  /** system_profiler's USB tree (SPUSBDataType, or SPUSBHostDataType on macOS 26+, which has no disks). */
  usbTree?: SpUsbReport;
  /** `diskutil list -plist external`. */
  externalDisks?: readonly DiskutilWholeDisk[];
  /** `diskutil info` of each disk `disksToIdentify` named. */
  diskInfo?: readonly DiskutilInfo[];
}

/**
 * A drive that takes removable media, recognised by its name when no disk is in it (system_profiler
 * shows no interface class): external DVD/Blu-ray drives and card readers. Optical *mice* are not drives.
 */
const REMOVABLE_MEDIA_DRIVE = /(dvd|cd-?rw|blu-?ray|bd-?re|superdrive|card ?reader|\boptical\b(?!.*\bmouse\b))/i;

export function darwinUsbStorage(evidence: DarwinUsbEvidence): UsbStorageDevice[] {
  const report = evidence.usbTree;
  const disks = evidence.externalDisks ?? [];
  const devices = report?.devices ?? [];
  const found = devices.filter(isMassStorage).flatMap((d) => fromUsbTree(d, report?.dataType ?? "SPUSBDataType", disks));
  for (const info of evidence.diskInfo ?? []) {
    if (info.busProtocol?.toUpperCase() === "USB" && info.virtual !== true)
      found.push(fromDiskutil(info, disks, devices, report?.dataType));
  }
  return found;
}

/** External physical whole disks that no USB device of the tree carries: only `diskutil info` can tell which bus they are on. */
export function disksToIdentify(evidence: Pick<DarwinUsbEvidence, "usbTree" | "externalDisks">): string[] {
  const claimed = new Set((evidence.usbTree?.devices ?? []).flatMap((d) => d.disks.map((k) => k.bsdName)));
  // A synthesized APFS container is not hardware: its physical store is listed (and judged) on its own.
  return (evidence.externalDisks ?? [])
    .filter((disk) => disk.apfsPhysicalStores.length === 0 && !claimed.has(disk.id))
    .map((disk) => disk.id);
}

/**
 * Mass storage is what carries a disk, or a drive for removable media (DVD, card reader) with none in
 * it. Whether an empty one breaks the policy is the evaluator's call: the facts say built-in or not,
 * medium or not (a plugged-in empty DVD drive does, the Mac's own empty card reader does not).
 */
function isMassStorage(device: SpUsbDevice): boolean {
  return device.disks.length > 0 || REMOVABLE_MEDIA_DRIVE.test(device.name);
}

/** One fact per disk, so that each can be named (and ejected) by its own identifier. */
function fromUsbTree(device: SpUsbDevice, dataType: string, disks: readonly DiskutilWholeDisk[]): UsbStorageDevice[] {
  const base: Omit<UsbStorageDevice, "name" | "mountpoints"> = { model: device.name, source: `system_profiler ${dataType}` };
  assign(base, "vendorId", device.vendorId);
  assign(base, "productId", device.productId);
  assign(base, "serial", device.serial);
  assign(base, "vendor", device.vendorName ?? device.manufacturer);
  if (device.builtIn) base.builtIn = true;
  if (device.disks.length === 0)
    return [{ ...base, name: `USB ${device.locationId ?? device.name} (no medium)`, mountpoints: [], mediaPresent: false }];
  return device.disks.map((disk) => {
    const mountpoints = new Set([...disk.volumes.flatMap((v) => v.mountPoint ?? []), ...mountpointsOf(disk.bsdName, disks)]);
    const found: UsbStorageDevice = { ...base, name: disk.bsdName, mountpoints: [...mountpoints], mediaPresent: true };
    assign(found, "sizeBytes", disk.sizeBytes);
    return found;
  });
}

function fromDiskutil(
  info: DiskutilInfo,
  disks: readonly DiskutilWholeDisk[],
  usbTree: readonly SpUsbDevice[],
  dataType: string | undefined,
): UsbStorageDevice {
  const match = matchByName(info, usbTree);
  const found: UsbStorageDevice = {
    name: info.id,
    mountpoints: [...new Set([...(info.mountPoint === undefined ? [] : [info.mountPoint]), ...mountpointsOf(info.id, disks)])],
    source: match === undefined ? "diskutil" : `diskutil + system_profiler ${dataType ?? "SPUSBHostDataType"}`,
    mediaPresent: true,
  };
  assign(found, "model", match?.name ?? info.mediaName);
  assign(found, "vendorId", match?.vendorId);
  assign(found, "productId", match?.productId);
  assign(found, "serial", match?.serial);
  assign(found, "vendor", match?.vendorName ?? match?.manufacturer);
  assign(found, "sizeBytes", info.sizeBytes);
  if (info.internal === true || match?.builtIn === true) found.builtIn = true;
  return found;
}

/**
 * diskutil knows no USB ids: find the USB device whose name is the disk's media name, ignoring case
 * and spacing (" SanDisk 3.2 Gen1" vs "SanDisk 3.2Gen1"). Only a unique match counts.
 */
function matchByName(info: DiskutilInfo, usbTree: readonly SpUsbDevice[]): SpUsbDevice | undefined {
  const diskNames = [info.mediaName, info.ioRegistryName?.replace(/\s*Media$/i, "")]
    .flatMap((n) => (n === undefined ? [] : [squash(n)]))
    .filter((n) => n !== "");
  const candidates = usbTree.filter((d) => d.disks.length === 0 && !d.builtIn);
  const matches = candidates.filter((d) => {
    const own = [squash(d.name), squash(`${d.manufacturer ?? ""}${d.name}`)];
    return diskNames.some((n) => own.includes(n) || ((own[0] as string).length >= 6 && n.endsWith(own[0] as string)));
  });
  return matches.length === 1 ? matches[0] : undefined;
}

/** Mount points on a whole disk: its own, its partitions', and those of APFS containers stored on it. */
function mountpointsOf(diskId: string, disks: readonly DiskutilWholeDisk[]): string[] {
  const whole = disks.find((d) => d.id === diskId);
  if (whole === undefined) return [];
  const parts = new Set([whole.id, ...whole.partitions.map((p) => p.id)]);
  const own = [whole.mountPoint, ...whole.partitions.map((p) => p.mountPoint)];
  const apfs = disks
    .filter((d) => d.apfsPhysicalStores.some((s) => parts.has(s)))
    .flatMap((d) => [d.mountPoint, ...d.apfsVolumes.map((v) => v.mountPoint)]);
  return [...own, ...apfs].filter((m): m is string => m !== undefined && m !== "");
}

function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
