// `udevadm info --export-db` -> USB devices, their interfaces and block devices with what udev knows of them.
import { ParseError } from "../../../runner/parse-error.js";
import { unescapeHex } from "./escapes.js";

export interface UdevRecord {
  devpath: string;
  /** N: the device node below /dev (sdb, bus/usb/004/002). */
  node?: string;
  links: string[];
  env: Record<string, string>;
}

interface UsbIds {
  /** 4 lowercase hex digits. */
  vendorId?: string;
  productId?: string;
  serial?: string;
  /** Decoded from ID_VENDOR_ENC (`\x20` escapes), trimmed; absent when the device reports a blank vendor. */
  vendor?: string;
  /** The vendor's name from the USB id database (ID_VENDOR_FROM_DATABASE), when udev added it. */
  vendorFromDatabase?: string;
  model?: string;
}

export interface UdevUsbDevice extends UsbIds {
  /** The sysfs name of the device: bus-port.port (4-2, 1-1.3), as in /sys/bus/usb/devices. */
  port: string;
  busNumber?: number;
  deviceNumber?: number;
  /** bInterfaceClass of each interface (ID_USB_INTERFACES, and the interface records below the device). */
  interfaceClasses: number[];
  drivers: string[];
}

export interface UdevBlockDevice extends UsbIds {
  kname: string;
  /** disk or partition. */
  devtype?: string;
  /** For a partition: the kernel name of its disk. */
  parent?: string;
  majMin?: string;
  /** ID_BUS: usb, ata, scsi, nvme, … (absent when udev's rules did not run for it). */
  bus?: string;
  /** The USB device it hangs off (from DEVPATH), e.g. 4-2. */
  usbPort?: string;
  /** ID_USB_INTERFACES of the USB device behind it (:080650: -> [8]). */
  usbInterfaceClasses: number[];
  /** ID_USB_DRIVER: usb-storage, uas, rts5139, … */
  usbDriver?: string;
  /** ID_TYPE: disk, cd, generic, … */
  idType?: string;
  partitionTable?: string;
  fsType?: string;
  /** udev's card-reader slot flags (ID_DRIVE_FLASH_SD, ID_DRIVE_FLASH_CF, …). */
  cardReaderSlot: boolean;
}

export interface UdevDatabase {
  records: UdevRecord[];
  usbDevices: UdevUsbDevice[];
  blockDevices: UdevBlockDevice[];
}

const USB_DEVICE_NAME = /^\d+-\d+(?:\.\d+)*$/;
const USB_INTERFACE_NAME = /^\d+-\d+(?:\.\d+)*:\d+\.\d+$/;

export function parseUdevExportDb(text: string, source = "udevadm info --export-db"): UdevDatabase {
  const records = parseUdevRecords(text, source);
  const usbDevices = new Map<string, UdevUsbDevice>();
  const blockDevices: UdevBlockDevice[] = [];
  const interfaces: { port: string; cls?: number; driver?: string }[] = [];
  for (const record of records) {
    const env = record.env;
    const segments = record.devpath.split("/").filter((s) => s !== "");
    if (env.SUBSYSTEM === "usb" && env.DEVTYPE === "usb_device") {
      const port = segments[segments.length - 1];
      if (port === undefined || !USB_DEVICE_NAME.test(port)) continue; // root hubs (usb1) are not plugged-in devices
      usbDevices.set(port, {
        port,
        ...idsOf(env),
        ...numberField("busNumber", env.BUSNUM),
        ...numberField("deviceNumber", env.DEVNUM),
        interfaceClasses: interfaceClassesOf(env.ID_USB_INTERFACES),
        drivers: [],
      });
    } else if (env.SUBSYSTEM === "usb" && env.DEVTYPE === "usb_interface") {
      const name = segments[segments.length - 1] ?? "";
      if (!USB_INTERFACE_NAME.test(name)) continue;
      const cls = /^(\d+)\//.exec(env.INTERFACE ?? "")?.[1];
      interfaces.push({
        port: name.split(":")[0] ?? "",
        ...(cls !== undefined ? { cls: Number(cls) } : {}),
        ...(env.DRIVER !== undefined ? { driver: env.DRIVER } : {}),
      });
    } else if (env.SUBSYSTEM === "block") {
      blockDevices.push(blockDeviceOf(record, segments));
    }
  }
  for (const i of interfaces) {
    const device = usbDevices.get(i.port);
    if (device === undefined) continue;
    if (i.cls !== undefined && !device.interfaceClasses.includes(i.cls)) device.interfaceClasses.push(i.cls);
    if (i.driver !== undefined && !device.drivers.includes(i.driver)) device.drivers.push(i.driver);
  }
  return { records, usbDevices: [...usbDevices.values()], blockDevices };
}

/** The records as they are: `P:` starts one, `E:` lines are properties, a blank line ends it. */
export function parseUdevRecords(text: string, source = "udevadm info --export-db"): UdevRecord[] {
  const records: UdevRecord[] = [];
  let current: UdevRecord | undefined;
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") {
      current = undefined;
      continue;
    }
    const m = /^([A-Z]): ?(.*)$/.exec(line);
    if (m === null) throw new ParseError(source, `line ${i + 1} is not "X: value": ${JSON.stringify(line.slice(0, 120))}`);
    const [, kind, value = ""] = m;
    if (kind === "P") {
      current = { devpath: value, links: [], env: {} };
      records.push(current);
      continue;
    }
    if (current === undefined)
      throw new ParseError(source, `line ${i + 1} comes before any "P:" line: ${JSON.stringify(line.slice(0, 120))}`);
    if (kind === "N") current.node = value;
    // U: and T: repeat SUBSYSTEM and DEVTYPE on newer systemd; keep them for records that lack the E: form.
    else if (kind === "U" && current.env.SUBSYSTEM === undefined) current.env.SUBSYSTEM = value;
    else if (kind === "T" && current.env.DEVTYPE === undefined) current.env.DEVTYPE = value;
    else if (kind === "S") current.links.push(value);
    else if (kind === "E") {
      const eq = value.indexOf("=");
      if (eq <= 0) throw new ParseError(source, `line ${i + 1}: expected "E: KEY=value", got ${JSON.stringify(line.slice(0, 120))}`);
      current.env[value.slice(0, eq)] = value.slice(eq + 1);
    }
    // L (link priority), M (sysname), R, D, I, Q, V, G…: not needed here.
  }
  return records;
}

function blockDeviceOf(record: UdevRecord, segments: readonly string[]): UdevBlockDevice {
  const env = record.env;
  const kname = (env.DEVNAME ?? record.node ?? segments[segments.length - 1] ?? "").replace(/^\/dev\//, "");
  // Below a USB host controller (usbN) the last bus-port segment is the USB device: …/usb4/4-2/4-2:1.0/host6/…/block/sdb.
  const underUsb = segments.findIndex((s) => /^usb\d+$/.test(s));
  const port =
    underUsb < 0
      ? undefined
      : segments
          .slice(underUsb)
          .reverse()
          .find((s) => USB_DEVICE_NAME.test(s));
  const device: UdevBlockDevice = {
    kname,
    ...idsOf(env),
    usbInterfaceClasses: interfaceClassesOf(env.ID_USB_INTERFACES),
    cardReaderSlot: Object.keys(env).some((k) => /^ID_DRIVE_FLASH_(?:SD|MS|CF|SM|MMC|SDHC|SDXC)$/.test(k)),
  };
  const optional: [keyof UdevBlockDevice, string | undefined][] = [
    ["devtype", env.DEVTYPE],
    ["bus", env.ID_BUS],
    ["usbPort", port],
    ["usbDriver", env.ID_USB_DRIVER],
    ["idType", env.ID_TYPE],
    ["partitionTable", env.ID_PART_TABLE_TYPE],
    ["fsType", env.ID_FS_TYPE],
    ["majMin", env.MAJOR !== undefined && env.MINOR !== undefined ? `${env.MAJOR}:${env.MINOR}` : undefined],
    ["parent", env.DEVTYPE === "partition" ? segments[segments.length - 2] : undefined],
  ];
  for (const [key, value] of optional) if (value !== undefined && value !== "") Object.assign(device, { [key]: value });
  return device;
}

function idsOf(env: Readonly<Record<string, string>>): UsbIds {
  const ids: UsbIds = {};
  // Old udev has no ID_VENDOR_ID on some records; PRODUCT=125f/312b/a00 carries the ids unpadded.
  const product = /^([0-9a-f]{1,4})\/([0-9a-f]{1,4})\//i.exec(env.PRODUCT ?? "");
  const vendorId = hexId(env.ID_VENDOR_ID) ?? hexId(product?.[1]);
  const productId = hexId(env.ID_MODEL_ID) ?? hexId(product?.[2]);
  if (vendorId !== undefined) ids.vendorId = vendorId;
  if (productId !== undefined) ids.productId = productId;
  const serial = env.ID_SERIAL_SHORT?.trim();
  if (serial !== undefined && serial !== "") ids.serial = serial;
  const vendor = decoded(env.ID_VENDOR_ENC) ?? underscored(env.ID_VENDOR);
  if (vendor !== undefined) ids.vendor = vendor;
  const fromDatabase = env.ID_VENDOR_FROM_DATABASE?.trim();
  if (fromDatabase !== undefined && fromDatabase !== "") ids.vendorFromDatabase = fromDatabase;
  const model = decoded(env.ID_MODEL_ENC) ?? underscored(env.ID_MODEL);
  if (model !== undefined) ids.model = model;
  return ids;
}

/** `:080650:ff0000:` -> [8, 255]. */
export function interfaceClassesOf(value: string | undefined): number[] {
  const classes: number[] = [];
  for (const part of (value ?? "").split(":")) {
    if (!/^[0-9a-f]{6}$/i.test(part)) continue;
    const cls = parseInt(part.slice(0, 2), 16);
    if (!classes.includes(cls)) classes.push(cls);
  }
  return classes;
}

function hexId(value: string | undefined): string | undefined {
  if (value === undefined || !/^[0-9a-f]{1,4}$/i.test(value)) return undefined;
  return value.toLowerCase().padStart(4, "0");
}

function decoded(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = unescapeHex(value).trim();
  return text === "" ? undefined : text;
}

function underscored(value: string | undefined): string | undefined {
  const text = value?.replace(/_/g, " ").trim();
  return text === undefined || text === "" ? undefined : text;
}

function numberField<K extends string>(key: K, value: string | undefined): Partial<Record<K, number>> {
  return value !== undefined && /^\d+$/.test(value) ? ({ [key]: Number(value) } as Partial<Record<K, number>>) : {};
}
