// Reads the USB devices under /sys/bus/usb/devices through the runner (live or replayed): only those with a mass-storage interface.
import { fileText, listDirectory, type SourceRead } from "../../runner/read-source.js";
import type { CommandRunner } from "../../runner/runner.js";
import { fillTemplate } from "../types.js";
import {
  parseSysfsClass,
  SYSFS_DEVICE_ATTRIBUTES,
  sysfsUsbDevice,
  sysfsUsbEntries,
  type SysfsDeviceAttribute,
  type SysfsUsbDevice,
} from "./parse/sysfs.js";

export const SYSFS_USB_DIR = "/sys/bus/usb/devices";
/** `{usbif}` is an interface directory such as 2-1.4:1.0. */
export const SYSFS_INTERFACE_CLASS = `${SYSFS_USB_DIR}/{usbif}/bInterfaceClass`;
/** `{usbdev}` is a device directory such as 2-1.4; `{attribute}` one of SYSFS_DEVICE_ATTRIBUTES. */
export const SYSFS_DEVICE_FILE = `${SYSFS_USB_DIR}/{usbdev}/{attribute}`;

const MASS_STORAGE = 8;

/**
 * Devices with a mass-storage interface, with their ids and serial; why not, when the directory is
 * absent (containers) or, in replay, was not recorded. Other devices' attributes are not read.
 */
export async function readSysfsUsbStorage(runner: CommandRunner): Promise<SourceRead<SysfsUsbDevice[]>> {
  const names = await listDirectory(runner, SYSFS_USB_DIR);
  if (!names.ok) return names;
  const entries = sysfsUsbEntries(names.value);
  const classes = new Map<string, number[]>();
  for (const iface of entries.interfaces) {
    const file = await fileText(runner, fillTemplate(SYSFS_INTERFACE_CLASS, { usbif: iface.name }));
    if (!file.ok) continue;
    const cls = parseSysfsClass(file.value, file.what);
    const list = classes.get(iface.device) ?? [];
    if (!list.includes(cls)) list.push(cls);
    classes.set(iface.device, list);
  }
  const devices: SysfsUsbDevice[] = [];
  for (const port of entries.devices) {
    const interfaceClasses = classes.get(port) ?? [];
    if (!interfaceClasses.includes(MASS_STORAGE)) continue;
    const attributes: Partial<Record<SysfsDeviceAttribute, string>> = {};
    for (const attribute of SYSFS_DEVICE_ATTRIBUTES) {
      const file = await fileText(runner, fillTemplate(SYSFS_DEVICE_FILE, { usbdev: port, attribute }));
      if (file.ok) attributes[attribute] = file.value;
    }
    devices.push(sysfsUsbDevice(port, attributes, interfaceClasses, SYSFS_USB_DIR));
  }
  return { ok: true, value: devices, what: SYSFS_USB_DIR };
}
