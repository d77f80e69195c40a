// Decides which Linux devices are USB mass storage, merging what every source says about the same device.
import type { UsbDeviceDescriptor } from "../../runner/runner.js";
import type { UsbStorageDevice } from "./facts.js";
import type { LsblkOutput } from "./parse/lsblk.js";
import { isMassStorage, type LsusbDevice } from "./parse/lsusb.js";
import type { MountEntry } from "./parse/mounts.js";
import type { SysfsUsbDevice } from "./parse/sysfs.js";
import type { UdevDatabase } from "./parse/udevadm.js";
import { disksOf, type Disk } from "./merge.linux.block-disks.js";

/** What the sources said; a source that could not be read is absent. */
export interface LinuxUsbEvidence {
  lsblk?: LsblkOutput;
  udev?: UdevDatabase;
  mounts?: MountEntry[];
  sysfs?: SysfsUsbDevice[];
  lsusb?: LsusbDevice[];
  libusb?: UsbDeviceDescriptor[];
}

/** One source's view of one device; views sharing a key (USB port, disk, serial) are the same device. */
interface View {
  source: string;
  keys: string[];
  disk?: Disk;
  usb: "yes" | "no" | "unknown";
  massStorage: boolean;
  media?: boolean;
  /** A removable disk with a medium on an unknown transport (lsblk without TRAN, no udev). */
  removableDisk: boolean;
  cardReader: boolean;
  fixedPort: boolean;
  vendorSpecificInterface: boolean;
  port?: string;
  vendorId?: string;
  productId?: string;
  serial?: string;
  vendor?: string;
  model?: string;
  vendorFromDatabase?: string;
}

const MASS_STORAGE = 8;
const VENDOR_SPECIFIC = 0xff;
/** Drivers of USB card readers that present their slots as disks without the mass-storage class. */
const READER_DRIVERS = new Set([
  "rts5139",
  "rts5208",
  "ums-realtek",
  "ums_realtek",
  "ums-alauda",
  "ums-sddr09",
  "ums-sddr55",
  "ums-jumpshot",
  "ums-datafab",
  "ums-usbat",
]);
const READER_NAME = /card.?reader|\bcrw\b|-crw\b|sd\/mmc|ms\/sd|multi.?card|\bsd(?:hc|xc)?\b.*\breader|\bcard\b.*\bslot/i;
/** The serial Realtek's built-in readers all share. */
const REALTEK_PLACEHOLDER_SERIAL = "20100201396000000";
const REALTEK = "0bda";

export function usbStorageDevices(evidence: LinuxUsbEvidence): UsbStorageDevice[] {
  const disks = disksOf(evidence.lsblk, evidence.udev?.blockDevices, evidence.mounts);
  const views: View[] = disks.map(diskView);
  const diskPorts = new Set(views.flatMap((v) => (v.port !== undefined ? [v.port] : [])));
  for (const view of usbDeviceViews(evidence)) {
    // Other USB devices (keyboards, hubs) matter only when a disk hangs off them.
    if (view.massStorage || (view.port !== undefined && diskPorts.has(view.port))) views.push(view);
  }
  return groups(views).flatMap((g) => toDevice(g) ?? []);
}

function diskView(disk: Disk): View {
  const u = disk.udev;
  const usb =
    disk.tran === "usb" || u?.bus === "usb" || u?.usbPort !== undefined
      ? "yes"
      : disk.tran !== undefined || u?.bus !== undefined
        ? "no"
        : "unknown";
  const names = [disk.vendor, disk.model, u?.vendor, u?.model].filter((s): s is string => s !== undefined);
  const cardReader =
    u?.cardReaderSlot === true ||
    READER_DRIVERS.has(u?.usbDriver ?? "") ||
    names.some((n) => READER_NAME.test(n)) ||
    (u?.serial ?? disk.serial) === REALTEK_PLACEHOLDER_SERIAL;
  const media = mediaOf(disk, cardReader);
  const floppyOrOptical = disk.type === "rom" || /^(?:fd|sr|scd)\d/.test(disk.kname) || disk.majMin?.startsWith("2:") === true;
  const view: View = {
    source: disk.sources.join("+") || "lsblk",
    keys: [`disk:${disk.kname}`],
    disk,
    usb,
    massStorage: u?.usbInterfaceClasses.includes(MASS_STORAGE) === true,
    removableDisk: usb === "unknown" && disk.removable === true && !floppyOrOptical && media === true,
    cardReader,
    fixedPort: false,
    vendorSpecificInterface: u?.usbInterfaceClasses.includes(VENDOR_SPECIFIC) === true,
  };
  if (media !== undefined) view.media = media;
  assign(view, {
    port: u?.usbPort,
    vendorId: u?.vendorId,
    productId: u?.productId,
    serial: u?.serial ?? disk.serial,
    vendor: u?.vendor ?? disk.vendor,
    model: u?.model ?? disk.model,
    vendorFromDatabase: u?.vendorFromDatabase,
  });
  return withIdentityKeys(view);
}

/** A medium is in the drive when it has a size, partitions, a filesystem or a mount; an empty slot has size 0 or none. */
function mediaOf(disk: Disk, cardReader: boolean): boolean | undefined {
  if ((typeof disk.size === "number" && disk.size > 0) || disk.hasChildren || disk.hasContent || disk.mountpoints.length > 0) return true;
  if (disk.size === 0 || disk.size === null) return false;
  // udev alone gives no size: a card reader's slot with no partition table and no filesystem is empty.
  if (disk.udev !== undefined && cardReader) return false;
  return undefined;
}

function usbDeviceViews(evidence: LinuxUsbEvidence): View[] {
  const views: View[] = [];
  for (const d of evidence.udev?.usbDevices ?? []) {
    views.push(
      usbView("udevadm", d.interfaceClasses, {
        port: d.port,
        busdev: busdev(d.busNumber, d.deviceNumber),
        vendorId: d.vendorId,
        productId: d.productId,
        serial: d.serial,
        vendor: d.vendor,
        model: d.model,
        vendorFromDatabase: d.vendorFromDatabase,
      }),
    );
  }
  for (const d of evidence.sysfs ?? []) {
    const view = usbView("sysfs", d.interfaceClasses, {
      port: d.port,
      vendorId: d.vendorId,
      productId: d.productId,
      serial: d.serial,
      vendor: d.manufacturer,
      model: d.product,
    });
    view.fixedPort = d.removable === "fixed";
    views.push(view);
  }
  for (const d of evidence.lsusb ?? []) {
    const classes = d.interfaces.flatMap((i) => (i.classCode !== undefined ? [i.classCode] : []));
    const view = usbView("lsusb", isMassStorage(d) ? [...classes, MASS_STORAGE] : classes, {
      port: d.portPath !== undefined ? `${d.bus}-${d.portPath}` : undefined,
      busdev: busdev(d.bus, d.device),
      vendorId: d.vendorId,
      productId: d.productId,
      serial: d.serial,
      vendor: d.manufacturer,
      model: d.product ?? (d.description !== "" ? d.description : undefined),
    });
    views.push(view);
  }
  for (const d of evidence.libusb ?? []) {
    views.push(
      usbView("libusb", d.interfaceClasses, {
        port: d.portPath !== "" ? `${d.busNumber}-${d.portPath}` : undefined,
        vendorId: d.vendorId,
        productId: d.productId,
        serial: d.serial,
        vendor: d.manufacturer,
        model: d.product,
      }),
    );
  }
  return views;
}

interface UsbIdentity {
  port?: string | undefined;
  busdev?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
  serial?: string | undefined;
  vendor?: string | undefined;
  model?: string | undefined;
  vendorFromDatabase?: string | undefined;
}

function usbView(source: string, classes: readonly number[], identity: UsbIdentity): View {
  const view: View = {
    source,
    keys: identity.busdev !== undefined ? [`busdev:${identity.busdev}`] : [],
    usb: "yes",
    massStorage: classes.includes(MASS_STORAGE),
    removableDisk: false,
    cardReader: false,
    fixedPort: false,
    vendorSpecificInterface: classes.includes(VENDOR_SPECIFIC),
  };
  const { busdev: _busdev, ...rest } = identity;
  assign(view, rest);
  return withIdentityKeys(view);
}

function withIdentityKeys(view: View): View {
  if (view.port !== undefined) view.keys.push(`port:${view.port}`);
  if (view.serial !== undefined && view.serial !== "") view.keys.push(`serial:${view.serial.toLowerCase()}`);
  return view;
}

function busdev(bus: number | undefined, device: number | undefined): string | undefined {
  return bus === undefined || device === undefined ? undefined : `${bus}/${device}`;
}

/** Views joined by any shared key (union-find). */
function groups(views: readonly View[]): View[][] {
  const parent = views.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] ?? root;
    return root;
  };
  const owner = new Map<string, number>();
  for (const [i, view] of views.entries()) {
    for (const key of view.keys) {
      const j = owner.get(key);
      if (j === undefined) owner.set(key, i);
      else parent[find(i)] = find(j);
    }
  }
  const byRoot = new Map<number, View[]>();
  for (const [i, view] of views.entries()) byRoot.set(find(i), [...(byRoot.get(find(i)) ?? []), view]);
  return [...byRoot.values()];
}

function toDevice(group: readonly View[]): UsbStorageDevice | undefined {
  const disks = group.flatMap((v) => (v.disk !== undefined ? [v] : []));
  const usbYes = group.some((v) => v.usb === "yes");
  const storage = usbYes ? disks.length > 0 || group.some((v) => v.massStorage) : disks.some((v) => v.removableDisk);
  if (!storage) return undefined;
  const withMedia = disks.filter((v) => v.media === true);
  const main = withMedia[0] ?? disks[0];
  const first = <K extends keyof View>(key: K): View[K] | undefined => group.find((v) => v[key] !== undefined && v[key] !== "")?.[key];
  // USB-level ids and serial first (they are what exceptions name), then what the disk reports.
  const usbFirst = [...group].sort((a, b) => Number(a.disk !== undefined) - Number(b.disk !== undefined));
  const firstUsb = <K extends keyof View>(key: K): View[K] | undefined =>
    usbFirst.find((v) => v[key] !== undefined && v[key] !== "")?.[key];
  const port = first("port");
  const device: UsbStorageDevice = {
    name:
      main?.disk !== undefined
        ? `/dev/${main.disk.kname}`
        : port !== undefined
          ? `/sys/bus/usb/devices/${port}`
          : `USB device ${firstUsb("vendorId") ?? "????"}:${firstUsb("productId") ?? "????"}`,
    mountpoints: [...new Set(disks.flatMap((v) => v.disk?.mountpoints ?? []))],
    source: [...new Set(group.flatMap((v) => v.source.split("+")))].join("+"),
  };
  const media = withMedia.length > 0 ? true : disks.length > 0 && disks.every((v) => v.media === false) ? false : undefined;
  const size = main?.disk?.size;
  const cardReader = group.some((v) => v.cardReader);
  // Built in: the firmware says the port is fixed, or a Realtek reader (vendor 0bda, or a vendor-specific
  // interface driven by rts5139/rts5208), which laptops build in and nobody carries around.
  const builtIn =
    group.some((v) => v.fixedPort) || (cardReader && (group.some((v) => v.vendorSpecificInterface) || firstUsb("vendorId") === REALTEK));
  assign(device, {
    vendorId: firstUsb("vendorId"),
    productId: firstUsb("productId"),
    serial: firstUsb("serial"),
    vendor: first("vendor") ?? first("vendorFromDatabase"),
    model: first("model"),
    sizeBytes: typeof size === "number" ? size : undefined,
    mediaPresent: media,
    builtIn: builtIn ? true : undefined,
  });
  return device;
}

/** Copies the defined values only (the fact types use optional fields, not undefined values). */
function assign<T extends object>(target: T, values: { [K in keyof T]?: T[K] | undefined }): void {
  for (const [key, value] of Object.entries(values)) if (value !== undefined) Object.assign(target, { [key]: value });
}
