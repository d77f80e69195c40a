// usb-storage facts on Linux: lsblk, udev's database, mounts, sysfs (or lsusb) and libusb, merged per device.
import { readCommand, readFile, type SourceRead } from "../../runner/read-source.js";
import { SourceUnavailableError, type CommandRunner } from "../../runner/runner.js";
import type { Collector, SourceSpec } from "../types.js";
import { readSysfsUsbStorage, SYSFS_DEVICE_FILE, SYSFS_INTERFACE_CLASS, SYSFS_USB_DIR } from "./collect.linux.sysfs.js";
import type { UsbFacts } from "./facts.js";
import { usbStorageDevices, type LinuxUsbEvidence } from "./merge.linux.js";
import { parseLsblk } from "./parse/lsblk.js";
import { parseLsusb } from "./parse/lsusb.js";
import { parseMountListing, type MountEntry } from "./parse/mounts.js";
import { parseUdevExportDb } from "./parse/udevadm.js";

/** util-linux ≥ 2.37: JSON with every mount point of a device (MOUNTPOINTS). -a keeps empty card-reader slots (size 0). */
export const LSBLK_JSON = [
  "lsblk",
  "-J",
  "-b",
  "-a",
  "-o",
  "NAME,KNAME,PKNAME,TYPE,TRAN,RM,HOTPLUG,SIZE,VENDOR,MODEL,SERIAL,MOUNTPOINTS",
] as const;
/** util-linux 2.23–2.36 (CentOS 7, Ubuntu 16.04–20.04): no MOUNTPOINTS, no HOTPLUG before 2.24; pairs work everywhere. */
export const LSBLK_PAIRS = ["lsblk", "-P", "-b", "-a", "-o", "NAME,KNAME,PKNAME,TYPE,TRAN,RM,SIZE,VENDOR,MODEL,SERIAL,MOUNTPOINT"] as const;
/** util-linux ≤ 2.22 (Ubuntu 14.04): no TRAN, VENDOR, SERIAL or PKNAME; udev then tells the transport. */
export const LSBLK_PAIRS_MINIMAL = ["lsblk", "-P", "-b", "-a", "-o", "NAME,KNAME,TYPE,RM,SIZE,MODEL,MOUNTPOINT"] as const;
export const UDEVADM_EXPORT_DB = ["udevadm", "info", "--export-db"] as const;
export const PROC_MOUNTS = "/proc/mounts";
export const FINDMNT = ["findmnt"] as const;
export const MOUNT = ["mount"] as const;
export const LSUSB_VERBOSE = ["lsusb", "-v"] as const;

const sources: SourceSpec[] = [
  { kind: "command", argv: LSBLK_JSON, what: "block devices: transport (usb), removable, size, ids, mount points", optional: true },
  { kind: "command", argv: LSBLK_PAIRS, what: "the same on util-linux < 2.37 (when the JSON form fails)", optional: true },
  { kind: "command", argv: LSBLK_PAIRS_MINIMAL, what: "the same on util-linux < 2.23 (when the pairs form fails)", optional: true },
  {
    kind: "command",
    argv: UDEVADM_EXPORT_DB,
    what: "udev database: ID_BUS=usb disks, USB vendor/product/serial, interface classes",
    optional: true,
  },
  { kind: "file", path: PROC_MOUNTS, what: "what is mounted where", optional: true },
  { kind: "command", argv: FINDMNT, what: "mounts, when /proc/mounts cannot be read", optional: true },
  { kind: "command", argv: MOUNT, what: "mounts, when neither /proc/mounts nor findmnt can be read", optional: true },
  {
    kind: "directory",
    path: SYSFS_USB_DIR,
    what: "USB devices ({usbdev} such as 2-1.4) and interfaces ({usbif} such as 2-1.4:1.0)",
    optional: true,
  },
  { kind: "file", path: SYSFS_INTERFACE_CLASS, what: "interface class of every USB interface (08 = mass storage)", optional: true },
  ...(["idVendor", "idProduct", "serial", "manufacturer", "product", "removable"] as const).map((attribute): SourceSpec => ({
    kind: "file",
    path: SYSFS_DEVICE_FILE.replace("{attribute}", attribute),
    what: `${attribute} of each USB device with a mass-storage interface`,
    optional: true,
  })),
  { kind: "command", argv: LSUSB_VERBOSE, what: "USB descriptors, when /sys/bus/usb/devices cannot be read", optional: true },
];

export const collectUsbStorageLinux: Collector<UsbFacts> = {
  sources,
  async collect(runner: CommandRunner): Promise<UsbFacts> {
    const evidence: LinuxUsbEvidence = {};
    const missing: string[] = [];
    const lsblk = await readCommand(runner, [LSBLK_JSON, LSBLK_PAIRS, LSBLK_PAIRS_MINIMAL], parseLsblk, { label: "lsblk" });
    if (lsblk.ok) evidence.lsblk = lsblk.value;
    else missing.push(lsblk.description);
    const udev = await readCommand(runner, [UDEVADM_EXPORT_DB], parseUdevExportDb);
    if (udev.ok) evidence.udev = udev.value;
    else missing.push(udev.description);
    const mounts = await readMounts(runner);
    if (mounts.ok) evidence.mounts = mounts.value;
    else missing.push(mounts.description);
    const sysfs = await readSysfsUsbStorage(runner);
    if (sysfs.ok) evidence.sysfs = sysfs.value;
    else {
      missing.push(sysfs.description);
      // lsusb reads the same descriptors by other means (usbfs, or a bundle recorded elsewhere).
      const lsusb = await readCommand(runner, [LSUSB_VERBOSE], (text, source) => parseLsusb(text, source).devices);
      if (lsusb.ok) evidence.lsusb = lsusb.value;
      else missing.push(lsusb.description);
    }
    if (runner.usbDevices !== undefined) {
      const listed = await runner.usbDevices();
      if (listed !== undefined) evidence.libusb = listed;
      else missing.push("USB device list from libusb: cannot list USB devices here");
    }
    if (
      evidence.lsblk === undefined &&
      evidence.udev === undefined &&
      evidence.sysfs === undefined &&
      evidence.lsusb === undefined &&
      evidence.libusb === undefined
    ) {
      throw new SourceUnavailableError("usb-storage on linux", `no source of block or USB devices could be read: ${missing.join("; ")}`);
    }
    return { devices: usbStorageDevices(evidence), missingSources: missing };
  },
};

/** /proc/mounts, else findmnt, else mount (their formats are sniffed: a bundle may hold any of them); the reason is the file's. */
async function readMounts(runner: CommandRunner): Promise<SourceRead<MountEntry[]>> {
  const mounts = (text: string, source: string) => parseMountListing(text, source).mounts;
  const file = await readFile(runner, PROC_MOUNTS, mounts);
  if (file.ok) return file;
  for (const argv of [FINDMNT, MOUNT]) {
    const out = await readCommand(runner, [argv], mounts);
    if (out.ok) return out;
  }
  return file;
}
