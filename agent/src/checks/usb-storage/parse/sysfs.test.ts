import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { parseSysfsClass, sysfsUsbDevice, sysfsUsbEntries } from "./sysfs.js";

const D = "/sys/bus/usb/devices";

describe("sysfs USB attributes", () => {
  it("tells devices from interfaces and leaves root hubs out", () => {
    expect(sysfsUsbEntries(["usb1", "usb2", "1-0:1.0", "1-1", "1-1:1.0", "1-1.4", "1-1.4:1.0", "2-0:1.0"])).toEqual({
      devices: ["1-1", "1-1.4"],
      interfaces: [
        { name: "1-0:1.0", device: "1-0" },
        { name: "1-1:1.0", device: "1-1" },
        { name: "1-1.4:1.0", device: "1-1.4" },
        { name: "2-0:1.0", device: "2-0" },
      ],
    });
  });

  it("reads classes and ids in their sysfs spelling", () => {
    expect(parseSysfsClass("08\n", "x")).toBe(8);
    expect(parseSysfsClass("ff\n", "x")).toBe(255);
    expect(() => parseSysfsClass("mass storage\n", "x")).toThrow(ParseError);
    expect(sysfsUsbDevice("2-1.4", { idVendor: "0781\n", idProduct: "55BB\n", serial: "\n" }, [8], D)).toEqual({
      port: "2-1.4",
      busNumber: 2,
      portPath: "1.4",
      vendorId: "0781",
      productId: "55bb",
      interfaceClasses: [8],
    });
    expect(() => sysfsUsbDevice("2-1.4", { idVendor: "SanDisk" }, [8], D)).toThrow(ParseError);
  });
});
