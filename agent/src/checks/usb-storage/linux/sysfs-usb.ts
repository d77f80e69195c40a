// Reads the USB devices under /sys/bus/usb/devices through the runner (live or replayed).
import { decodeText } from "../../../runner/decode.js";
import { NotRecordedError, readOptional, type CommandRunner } from "../../../runner/runner.js";
import { fillTemplate } from "../../types.js";
import type { Probe } from "../../../runner/probe.js";
import { parseSysfsClass, SYSFS_DEVICE_ATTRIBUTES, sysfsUsbDevice, sysfsUsbEntries, type SysfsDeviceAttribute, type SysfsUsbDevice } from "../parse/sysfs.js";

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
export async function readSysfsUsbStorage(runner: CommandRunner): Promise<Probe<SysfsUsbDevice[]>> {
  let names: string[] | undefined;
  try {
    names = await runner.listDir(SYSFS_USB_DIR);
  } catch (error) {
    if (error instanceof NotRecordedError) return { ok: false, reason: "not recorded" };
    throw error;
  }
  if (names === undefined) return { ok: false, reason: "absent" };
  const entries = sysfsUsbEntries(names);
  const classes = new Map<string, number[]>();
  for (const iface of entries.interfaces) {
    const path = fillTemplate(SYSFS_INTERFACE_CLASS, { usbif: iface.name });
    const bytes = await readOptional(runner, path);
    if (bytes === undefined) continue;
    const cls = parseSysfsClass(decodeText(bytes), path);
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
      const bytes = await readOptional(runner, fillTemplate(SYSFS_DEVICE_FILE, { usbdev: port, attribute }));
      if (bytes !== undefined) attributes[attribute] = decodeText(bytes);
    }
    devices.push(sysfsUsbDevice(port, attributes, interfaceClasses, SYSFS_USB_DIR));
  }
  return { ok: true, value: devices, what: SYSFS_USB_DIR };
}
