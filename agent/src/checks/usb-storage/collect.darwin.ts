// usb-storage facts on macOS: USB devices from system_profiler, their disks and mounts, diskutil for what it misses.
import { SourceUnavailableError, runOptional, type CommandRunner } from "../../runner/runner.js";
import { decodeText } from "../../runner/decode.js";
import { reasonOf } from "../engine.js";
import { fillArgv, type Collector, type SourceSpec } from "../types.js";
import type { UsbFacts, UsbStorageDevice } from "./facts.js";
import { parseDiskutilInfo, type DiskutilInfo } from "./parse/diskutil-info.js";
import { parseDiskutilList, type DiskutilWholeDisk } from "./parse/diskutil-list.js";
import { parseSystemProfilerUsb, type SpUsbDevice, type SpUsbReport } from "./parse/system-profiler-usb.js";

const SP_USB = ["system_profiler", "-json", "SPUSBDataType"];
/** macOS 26 answers SPUSBDataType with `[]` and lists devices here instead, without their disks. */
const SP_USB_HOST = ["system_profiler", "-json", "SPUSBHostDataType"];
const DISKUTIL_LIST = ["diskutil", "list", "-plist", "external"];
const DISKUTIL_INFO = ["diskutil", "info", "-plist", "{disk}"];
const TIMEOUT_MS = 60_000;

const SOURCES: readonly SourceSpec[] = [
  { kind: "command", argv: SP_USB, what: "the USB device tree with each mass-storage device's disks and mounted volumes (empty on macOS 26+)", optional: true },
  { kind: "command", argv: SP_USB_HOST, what: "the USB device tree on macOS 26+ (no disks in it); read only when SPUSBDataType lists no bus", optional: true },
  { kind: "command", argv: DISKUTIL_LIST, what: "external disks with their partitions, APFS volumes and mount points", optional: true },
  { kind: "command", argv: DISKUTIL_INFO, what: "the bus of each external whole disk no USB device above claims ({disk}: its identifier, e.g. disk4)", optional: true },
];

/**
 * A drive that takes removable media, recognised by its name when no disk is in it (system_profiler
 * shows no interface class): external DVD/Blu-ray drives and card readers. Optical *mice* are not drives.
 */
const REMOVABLE_MEDIA_DRIVE = /(dvd|cd-?rw|blu-?ray|bd-?re|superdrive|card ?reader|\boptical\b(?!.*\bmouse\b))/i;

export const collectUsbStorageDarwin: Collector<UsbFacts> = {
  sources: SOURCES,
  async collect(runner) {
    const missing: string[] = [];
    let report = await readUsbTree(runner, SP_USB, missing);
    if (report === undefined || report.buses === 0) report = (await readUsbTree(runner, SP_USB_HOST, missing)) ?? report;
    const disks = await readExternalDisks(runner, missing);
    if (report === undefined && disks === undefined) {
      throw new SourceUnavailableError("usb-storage on macOS", `neither system_profiler nor diskutil could be read (${missing.join("; ")})`);
    }
    const devices = report?.devices ?? [];
    const found = devices.filter(isMassStorage).flatMap((d) => fromUsbTree(d, report?.dataType ?? "SPUSBDataType", disks ?? []));
    const claimed = new Set(devices.flatMap((d) => d.disks.map((k) => k.bsdName)));
    for (const info of await readUnclaimedUsbDisks(runner, disks ?? [], claimed, missing)) {
      found.push(fromDiskutil(info, disks ?? [], devices, report?.dataType));
    }
    return { devices: found, missingSources: missing };
  },
};

async function readUsbTree(runner: CommandRunner, argv: readonly string[], missing: string[]): Promise<SpUsbReport | undefined> {
  const out = await runOptional(runner, argv, { timeoutMs: TIMEOUT_MS });
  if (out === undefined || out.exitCode !== 0) {
    missing.push(`${argv.join(" ")}: ${out === undefined ? "not available" : `exit code ${out.exitCode}`}`);
    return undefined;
  }
  return parseSystemProfilerUsb(decodeText(out.stdout), argv.join(" "));
}

async function readExternalDisks(runner: CommandRunner, missing: string[]): Promise<DiskutilWholeDisk[] | undefined> {
  const out = await runOptional(runner, DISKUTIL_LIST, { timeoutMs: TIMEOUT_MS });
  if (out === undefined || out.exitCode !== 0) {
    missing.push(`${DISKUTIL_LIST.join(" ")}: ${out === undefined ? "not available" : `exit code ${out.exitCode}`}`);
    return undefined;
  }
  return parseDiskutilList(decodeText(out.stdout), DISKUTIL_LIST.join(" "));
}

/** External physical whole disks that no USB device above carries: ask diskutil which bus each one is on. */
async function readUnclaimedUsbDisks(runner: CommandRunner, disks: readonly DiskutilWholeDisk[], claimed: ReadonlySet<string>, missing: string[]): Promise<DiskutilInfo[]> {
  const usb: DiskutilInfo[] = [];
  for (const disk of disks) {
    // A synthesized APFS container is not hardware: its physical store is listed (and judged) on its own.
    if (disk.apfsPhysicalStores.length > 0 || claimed.has(disk.id)) continue;
    const argv = fillArgv(DISKUTIL_INFO, { disk: disk.id });
    try {
      const out = await runOptional(runner, argv, { timeoutMs: TIMEOUT_MS });
      if (out === undefined || out.exitCode !== 0) {
        missing.push(`${argv.join(" ")}: ${out === undefined ? "not available" : `exit code ${out.exitCode}`}`);
        continue;
      }
      const info = parseDiskutilInfo(decodeText(out.stdout), argv.join(" "));
      if (info.busProtocol?.toUpperCase() === "USB" && info.virtual !== true) usb.push(info);
    } catch (error) {
      missing.push(reasonOf(error));
    }
  }
  return usb;
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
  if (device.disks.length === 0) return [{ ...base, name: `USB ${device.locationId ?? device.name} (no medium)`, mountpoints: [], mediaPresent: false }];
  return device.disks.map((disk) => {
    const mountpoints = new Set([...disk.volumes.flatMap((v) => v.mountPoint ?? []), ...mountpointsOf(disk.bsdName, disks)]);
    const found: UsbStorageDevice = { ...base, name: disk.bsdName, mountpoints: [...mountpoints], mediaPresent: true };
    assign(found, "sizeBytes", disk.sizeBytes);
    return found;
  });
}

function fromDiskutil(info: DiskutilInfo, disks: readonly DiskutilWholeDisk[], usbTree: readonly SpUsbDevice[], dataType: string | undefined): UsbStorageDevice {
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
  const diskNames = [info.mediaName, info.ioRegistryName?.replace(/\s*Media$/i, "")].flatMap((n) => (n === undefined ? [] : [squash(n)])).filter((n) => n !== "");
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
  const apfs = disks.filter((d) => d.apfsPhysicalStores.some((s) => parts.has(s))).flatMap((d) => [d.mountPoint, ...d.apfsVolumes.map((v) => v.mountPoint)]);
  return [...own, ...apfs].filter((m): m is string => m !== undefined && m !== "");
}

function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
