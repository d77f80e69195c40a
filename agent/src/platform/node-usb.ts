// Lists USB devices through libusb (the optional `usb` package): ids, interface classes and, for storage, serial.
import type { UsbDeviceDescriptor } from "../runner/runner.js";

/** The part of a node-usb Device this module reads (plain data apart from the string look-ups). */
export interface LibusbDevice {
  busNumber: number;
  portNumbers?: number[] | null;
  deviceDescriptor: {
    idVendor: number;
    idProduct: number;
    iManufacturer: number;
    iProduct: number;
    iSerialNumber: number;
    bDeviceClass?: number;
  };
  /** A getter in node-usb that may throw (LIBUSB_ERROR_*) when the descriptor cannot be read. */
  readonly configDescriptor?: { interfaces: { bInterfaceClass: number }[][] } | undefined;
  open(): void;
  close(): void;
  getStringDescriptor(index: number, callback: (error?: unknown, value?: string) => void): void;
}

interface UsbModule {
  getDeviceList(): LibusbDevice[];
}

export interface NodeUsbOptions {
  /** Where the agent runs; on Linux an empty list means libusb cannot see the bus. Default: process.platform. */
  platform?: NodeJS.Platform;
  /** Loads the `usb` package (tests load something else to see the failure path). */
  load?: () => Promise<UsbModule>;
  /** Bound on each string-descriptor read from a device (a wedged device must not stall the check). */
  stringTimeoutMs?: number;
}

const MASS_STORAGE = 8;

/**
 * Every USB device libusb lists, or undefined when the package does not load or cannot list (no
 * /dev/bus/usb or sysfs, as in a container). Serial, manufacturer and product are read only from
 * mass-storage devices, and only where this process may open them (root).
 */
export async function listUsbDevices(options: NodeUsbOptions = {}): Promise<UsbDeviceDescriptor[] | undefined> {
  let usb: UsbModule;
  let devices: LibusbDevice[];
  try {
    usb = await (options.load ?? loadUsb)();
    devices = usb.getDeviceList();
  } catch {
    return undefined;
  }
  // libusb always lists the root hubs of a Linux machine: nothing at all means it cannot see the bus.
  if (devices.length === 0 && (options.platform ?? process.platform) === "linux") return undefined;
  const described: UsbDeviceDescriptor[] = [];
  for (const device of devices) {
    const descriptor = describeUsbDevice(device);
    if (descriptor.interfaceClasses.includes(MASS_STORAGE))
      Object.assign(descriptor, await readStrings(device, options.stringTimeoutMs ?? 1_000));
    described.push(descriptor);
  }
  return described;
}

/** The descriptor fields that need no access to the device itself. */
export function describeUsbDevice(device: LibusbDevice): UsbDeviceDescriptor {
  const classes: number[] = [];
  try {
    for (const alternates of device.configDescriptor?.interfaces ?? []) {
      for (const setting of alternates) if (!classes.includes(setting.bInterfaceClass)) classes.push(setting.bInterfaceClass);
    }
  } catch {
    // Unreadable configuration: the classes stay unknown (other sources still see the device).
  }
  if (device.deviceDescriptor.bDeviceClass === MASS_STORAGE && !classes.includes(MASS_STORAGE)) classes.push(MASS_STORAGE);
  return {
    vendorId: hex4(device.deviceDescriptor.idVendor),
    productId: hex4(device.deviceDescriptor.idProduct),
    interfaceClasses: classes,
    busNumber: device.busNumber,
    portPath: (device.portNumbers ?? []).join("."),
  };
}

async function readStrings(
  device: LibusbDevice,
  timeoutMs: number,
): Promise<Pick<UsbDeviceDescriptor, "serial" | "manufacturer" | "product">> {
  const d = device.deviceDescriptor;
  try {
    device.open();
  } catch {
    return {}; // no permission (not root) or the device went away
  }
  try {
    const strings: Pick<UsbDeviceDescriptor, "serial" | "manufacturer" | "product"> = {};
    for (const [key, index] of [
      ["serial", d.iSerialNumber],
      ["manufacturer", d.iManufacturer],
      ["product", d.iProduct],
    ] as const) {
      const value = index > 0 ? await stringDescriptor(device, index, timeoutMs) : undefined;
      if (value !== undefined && value.trim() !== "") strings[key] = value.trim();
    }
    return strings;
  } finally {
    try {
      device.close();
    } catch {
      // closing a device that vanished meanwhile
    }
  }
}

function stringDescriptor(device: LibusbDevice, index: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    try {
      device.getStringDescriptor(index, (error, value) => {
        clearTimeout(timer);
        resolve(error === undefined || error === null ? value : undefined);
      });
    } catch {
      clearTimeout(timer);
      resolve(undefined);
    }
  });
}

async function loadUsb(): Promise<UsbModule> {
  // An optional dependency: a build without it (or without a prebuilt binary for this OS) still runs.
  return await import("usb");
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, "0");
}
