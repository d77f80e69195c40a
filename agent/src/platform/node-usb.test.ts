import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeUsbDevice, listUsbDevices, type LibusbDevice } from "./node-usb.js";

/** A device as node-usb hands it over: descriptors are plain data; opening it is refused, as it is to a non-root user. */
function device(fields: { idVendor: number; idProduct: number; classes: number[][]; bus: number; ports: number[] }): LibusbDevice {
  return {
    busNumber: fields.bus,
    portNumbers: fields.ports,
    deviceDescriptor: {
      idVendor: fields.idVendor,
      idProduct: fields.idProduct,
      iManufacturer: 1,
      iProduct: 2,
      iSerialNumber: 3,
      bDeviceClass: 0,
    },
    configDescriptor: { interfaces: fields.classes.map((alternates) => alternates.map((bInterfaceClass) => ({ bInterfaceClass }))) },
    open: () => {
      throw new Error("LIBUSB_ERROR_ACCESS");
    },
    close: () => undefined,
    getStringDescriptor: (_index, callback) => callback(new Error("not open")),
  };
}

describe("listUsbDevices", () => {
  it("answers undefined on this machine when libusb cannot see a USB bus, else well-formed descriptors", async () => {
    const listed = await listUsbDevices();
    if (!existsSync("/dev/bus/usb") && !existsSync("/sys/bus/usb/devices")) expect(listed).toBeUndefined();
    for (const d of listed ?? []) {
      expect(d.vendorId).toMatch(/^[0-9a-f]{4}$/);
      expect(d.productId).toMatch(/^[0-9a-f]{4}$/);
      expect(Number.isInteger(d.busNumber)).toBe(true);
      expect(d.portPath).toMatch(/^(\d+(\.\d+)*)?$/);
    }
  });

  it("answers undefined when the usb package does not load", async () => {
    expect(await listUsbDevices({ load: () => Promise.reject(new Error("Cannot find module 'usb'")) })).toBeUndefined();
  });

  it("answers undefined for an empty list on Linux (no root hubs means no bus), an empty list elsewhere", async () => {
    const empty = () => Promise.resolve({ getDeviceList: () => [] });
    expect(await listUsbDevices({ platform: "linux", load: empty })).toBeUndefined();
    expect(await listUsbDevices({ platform: "darwin", load: empty })).toEqual([]);
  });

  it("lists ids, port path and interface classes; leaves the serial out when the device cannot be opened", async () => {
    const stick = device({ idVendor: 0x0781, idProduct: 0x5581, classes: [[8]], bus: 2, ports: [1, 4] });
    const hub = device({ idVendor: 0x05e3, idProduct: 0x0610, classes: [[9]], bus: 2, ports: [1] });
    expect(await listUsbDevices({ platform: "linux", load: () => Promise.resolve({ getDeviceList: () => [hub, stick] }) })).toEqual([
      { vendorId: "05e3", productId: "0610", interfaceClasses: [9], busNumber: 2, portPath: "1" },
      { vendorId: "0781", productId: "5581", interfaceClasses: [8], busNumber: 2, portPath: "1.4" },
    ]);
  });

  it("reads serial, manufacturer and product of a storage device it may open, and gives up on a string that never comes", async () => {
    const strings: Record<number, string> = { 1: "SanDisk", 3: "4C530001130115117412 " };
    const opened: string[] = [];
    const stick: LibusbDevice = {
      ...device({ idVendor: 0x0781, idProduct: 0x5581, classes: [[8]], bus: 2, ports: [4] }),
      open: () => void opened.push("open"),
      close: () => void opened.push("close"),
      // Index 2 (product) never answers, like a wedged device.
      getStringDescriptor: (index, callback) => (strings[index] !== undefined ? callback(undefined, strings[index]) : undefined),
    };
    const listed = await listUsbDevices({
      platform: "linux",
      stringTimeoutMs: 20,
      load: () => Promise.resolve({ getDeviceList: () => [stick] }),
    });
    expect(listed).toEqual([
      {
        vendorId: "0781",
        productId: "5581",
        interfaceClasses: [8],
        busNumber: 2,
        portPath: "4",
        serial: "4C530001130115117412",
        manufacturer: "SanDisk",
      },
    ]);
    expect(opened).toEqual(["open", "close"]);
  });
});

describe("describeUsbDevice", () => {
  it("collects the class of every interface and alternate setting once", () => {
    expect(
      describeUsbDevice(device({ idVendor: 0x046d, idProduct: 0x0892, classes: [[14], [14, 14], [1], [1]], bus: 3, ports: [2] }))
        .interfaceClasses,
    ).toEqual([14, 1]);
  });

  it("keeps the ids when the configuration descriptor cannot be read", () => {
    const broken = device({ idVendor: 0x0bda, idProduct: 0x0129, classes: [], bus: 1, ports: [1, 3] });
    Object.defineProperty(broken, "configDescriptor", {
      get() {
        throw new Error("LIBUSB_ERROR_IO");
      },
    });
    expect(describeUsbDevice(broken)).toEqual({ vendorId: "0bda", productId: "0129", interfaceClasses: [], busNumber: 1, portPath: "1.3" });
  });
});
