// usb-storage facts on Linux: lsblk, udev's database, mounts, sysfs (or lsusb) and libusb, merged per device.
import { decodeText } from "../../runner/decode.js";
import { SourceUnavailableError, type CommandRunner } from "../../runner/runner.js";
import type { Collector, SourceSpec } from "../types.js";
import type { UsbFacts } from "./facts.js";
import { fileContent, firstSucceeding, type Probe } from "../../runner/probe.js";
import { readSysfsUsbStorage, SYSFS_DEVICE_FILE, SYSFS_INTERFACE_CLASS, SYSFS_USB_DIR } from "./linux/sysfs-usb.js";
import { usbStorageDevices, type LinuxUsbEvidence } from "./linux/usb-storage.js";
import { parseLsblk } from "./parse/lsblk.js";
import { parseLsusb } from "./parse/lsusb.js";
import { parseMountListing, type MountEntry } from "./parse/mounts.js";
import { parseUdevExportDb } from "./parse/udevadm.js";

/** util-linux ≥ 2.37: JSON with every mount point of a device (MOUNTPOINTS). -a keeps empty card-reader slots (size 0). */
export const LSBLK_JSON = ["lsblk", "-J", "-b", "-a", "-o", "NAME,KNAME,PKNAME,TYPE,TRAN,RM,HOTPLUG,SIZE,VENDOR,MODEL,SERIAL,MOUNTPOINTS"] as const;
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
  { kind: "command", argv: UDEVADM_EXPORT_DB, what: "udev database: ID_BUS=usb disks, USB vendor/product/serial, interface classes", optional: true },
  { kind: "file", path: PROC_MOUNTS, what: "what is mounted where", optional: true },
  { kind: "command", argv: FINDMNT, what: "mounts, when /proc/mounts cannot be read", optional: true },
  { kind: "command", argv: MOUNT, what: "mounts, when neither /proc/mounts nor findmnt can be read", optional: true },
  { kind: "directory", path: SYSFS_USB_DIR, what: "USB devices ({usbdev} such as 2-1.4) and interfaces ({usbif} such as 2-1.4:1.0)", optional: true },
  { kind: "file", path: SYSFS_INTERFACE_CLASS, what: "interface class of every USB interface (08 = mass storage)", optional: true },
  ...(["idVendor", "idProduct", "serial", "manufacturer", "product", "removable"] as const).map(
    (attribute): SourceSpec => ({ kind: "file", path: SYSFS_DEVICE_FILE.replace("{attribute}", attribute), what: `${attribute} of each USB device with a mass-storage interface`, optional: true }),
  ),
  { kind: "command", argv: LSUSB_VERBOSE, what: "USB descriptors, when /sys/bus/usb/devices cannot be read", optional: true },
];

export const collectUsbStorageLinux: Collector<UsbFacts> = {
  sources,
  async collect(runner: CommandRunner): Promise<UsbFacts> {
    const evidence: LinuxUsbEvidence = {};
    const missing: string[] = [];

    const lsblk = await firstSucceeding(runner, [LSBLK_JSON, LSBLK_PAIRS, LSBLK_PAIRS_MINIMAL]);
    if (lsblk.ok) evidence.lsblk = parseLsblk(decodeText(lsblk.value.stdout), lsblk.what);
    else missing.push(`lsblk (${lsblk.reason})`);

    const udev = await firstSucceeding(runner, [UDEVADM_EXPORT_DB]);
    if (udev.ok) evidence.udev = parseUdevExportDb(decodeText(udev.value.stdout), udev.what);
    else missing.push(`${UDEVADM_EXPORT_DB.join(" ")} (${udev.reason})`);

    const mounts = await readMounts(runner);
    if (mounts.ok) evidence.mounts = mounts.value;
    else missing.push(`${PROC_MOUNTS} (${mounts.reason})`);

    const sysfs = await readSysfsUsbStorage(runner);
    if (sysfs.ok) evidence.sysfs = sysfs.value;
    else {
      missing.push(`${SYSFS_USB_DIR} (${sysfs.reason})`);
      // lsusb reads the same descriptors by other means (usbfs, or a bundle recorded elsewhere).
      const lsusb = await firstSucceeding(runner, [LSUSB_VERBOSE]);
      if (lsusb.ok) evidence.lsusb = parseLsusb(decodeText(lsusb.value.stdout), lsusb.what).devices;
      else missing.push(`${LSUSB_VERBOSE.join(" ")} (${lsusb.reason})`);
    }

    if (runner.usbDevices !== undefined) {
      const listed = await runner.usbDevices();
      if (listed !== undefined) evidence.libusb = listed;
      else missing.push("USB device list from libusb (cannot list USB devices here)");
    }

    if (evidence.lsblk === undefined && evidence.udev === undefined && evidence.sysfs === undefined && evidence.lsusb === undefined && evidence.libusb === undefined) {
      throw new SourceUnavailableError("usb-storage on linux", `no source of block or USB devices could be read: ${missing.join("; ")}`);
    }
    return { devices: usbStorageDevices(evidence), missingSources: missing };
  },
};

/** /proc/mounts, else findmnt, else mount (their formats are sniffed: a bundle may hold any of them). */
async function readMounts(runner: CommandRunner): Promise<Probe<MountEntry[]>> {
  const file = await fileContent(runner, PROC_MOUNTS);
  if (file.ok) return { ok: true, value: parseMountListing(file.value, PROC_MOUNTS).mounts, what: PROC_MOUNTS };
  for (const argv of [FINDMNT, MOUNT]) {
    const out = await firstSucceeding(runner, [argv]);
    if (out.ok) return { ok: true, value: parseMountListing(decodeText(out.value.stdout), out.what).mounts, what: out.what };
  }
  return { ok: false, reason: file.reason };
}
