import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fakeRunner } from "../../../testing/fake-runner.js";
import { readSysfsUsbStorage } from "../linux/sysfs-usb.js";
import { parseSysfsClass, sysfsUsbDevice, sysfsUsbEntries } from "./sysfs.js";

const D = "/sys/bus/usb/devices";

/** A laptop's /sys/bus/usb/devices as the kernel lays it out: root hub interfaces, a hub, a keyboard, a SanDisk stick behind the hub. */
const LAPTOP_WITH_STICK: Record<string, string> = {
  [`${D}/1-0:1.0/bInterfaceClass`]: "09\n",
  [`${D}/1-1/idVendor`]: "05e3\n",
  [`${D}/1-1:1.0/bInterfaceClass`]: "09\n",
  [`${D}/1-1.2/idVendor`]: "046d\n",
  [`${D}/1-1.2:1.0/bInterfaceClass`]: "03\n",
  [`${D}/1-1.2:1.1/bInterfaceClass`]: "03\n",
  [`${D}/1-1.4/idVendor`]: "0781\n",
  [`${D}/1-1.4/idProduct`]: "5581\n",
  [`${D}/1-1.4/serial`]: "4C530001130115117412\n",
  [`${D}/1-1.4/manufacturer`]: " SanDisk\n",
  [`${D}/1-1.4/product`]: "Ultra\n",
  [`${D}/1-1.4/removable`]: "removable\n",
  [`${D}/1-1.4:1.0/bInterfaceClass`]: "08\n",
};

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

  it("reads only the mass-storage devices' attributes through the runner", async () => {
    const probe = await readSysfsUsbStorage(fakeRunner("linux", [], LAPTOP_WITH_STICK));
    expect(probe).toEqual({
      ok: true,
      what: D,
      value: [
        {
          port: "1-1.4",
          busNumber: 1,
          portPath: "1.4",
          vendorId: "0781",
          productId: "5581",
          serial: "4C530001130115117412",
          manufacturer: "SanDisk",
          product: "Ultra",
          removable: "removable",
          interfaceClasses: [8],
        },
      ],
    });
  });

  it("says why when the directory is not there", async () => {
    expect(await readSysfsUsbStorage(fakeRunner("linux", []))).toEqual({ ok: false, reason: "not recorded" });
  });
});
