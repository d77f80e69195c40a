// sysfs USB attributes (/sys/bus/usb/devices/*) -> USB devices with their ids, serial and interface classes.
import { ParseError } from "../../../runner/parse-error.js";

/** The per-device attribute files the collector reads (each one line of text). */
export const SYSFS_DEVICE_ATTRIBUTES = ["idVendor", "idProduct", "serial", "manufacturer", "product", "removable"] as const;
export type SysfsDeviceAttribute = (typeof SYSFS_DEVICE_ATTRIBUTES)[number];

export interface SysfsUsbDevice {
  /** The directory name: bus-port.port (2-1.4). */
  port: string;
  busNumber: number;
  /** Port numbers from the root hub, dot-joined (1.4). */
  portPath: string;
  /** 4 lowercase hex digits. */
  vendorId?: string;
  productId?: string;
  serial?: string;
  manufacturer?: string;
  product?: string;
  /** The port as the firmware describes it: fixed (built in), removable, or unknown. */
  removable?: string;
  interfaceClasses: number[];
}

const DEVICE = /^(\d+)-(\d+(?:\.\d+)*)$/;
const INTERFACE = /^(\d+-\d+(?:\.\d+)*):\d+\.\d+$/;

/** Sorts the entries of /sys/bus/usb/devices into devices (2-1.4) and interfaces (2-1.4:1.0); root hubs (usb2, 2-0:1.0) are neither. */
export function sysfsUsbEntries(names: readonly string[]): { devices: string[]; interfaces: { name: string; device: string }[] } {
  const devices = names.filter((n) => DEVICE.test(n));
  const interfaces: { name: string; device: string }[] = [];
  for (const name of names) {
    const device = INTERFACE.exec(name)?.[1];
    if (device !== undefined) interfaces.push({ name, device });
  }
  return { devices, interfaces };
}

/** bInterfaceClass holds two hex digits ("08"). */
export function parseSysfsClass(text: string, source: string): number {
  const t = text.trim();
  if (!/^[0-9a-fA-F]{1,2}$/.test(t)) throw new ParseError(source, `expected a hex class such as 08, got ${JSON.stringify(t.slice(0, 40))}`);
  return parseInt(t, 16);
}

/** Builds one device from its attribute files (absent files are absent attributes). */
export function sysfsUsbDevice(
  port: string,
  attributes: Partial<Record<SysfsDeviceAttribute, string>>,
  interfaceClasses: readonly number[],
  source: string,
): SysfsUsbDevice {
  const m = DEVICE.exec(port);
  if (m === null) throw new ParseError(source, `${JSON.stringify(port)} is not a USB device name such as 2-1.4`);
  const device: SysfsUsbDevice = { port, busNumber: Number(m[1]), portPath: m[2] ?? "", interfaceClasses: [...interfaceClasses] };
  for (const key of ["idVendor", "idProduct"] as const) {
    const value = attributes[key]?.trim();
    if (value === undefined) continue;
    if (!/^[0-9a-fA-F]{4}$/.test(value))
      throw new ParseError(`${source}/${port}/${key}`, `expected 4 hex digits, got ${JSON.stringify(value.slice(0, 40))}`);
    device[key === "idVendor" ? "vendorId" : "productId"] = value.toLowerCase();
  }
  for (const [key, field] of [
    ["serial", "serial"],
    ["manufacturer", "manufacturer"],
    ["product", "product"],
    ["removable", "removable"],
  ] as const) {
    const value = attributes[key]?.trim();
    if (value !== undefined && value !== "") device[field] = value;
  }
  return device;
}
