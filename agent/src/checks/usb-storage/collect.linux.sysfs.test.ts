import { describe, expect, it } from "vitest";
import { fakeRunner } from "../../testing/fake-runner.js";
import { readSysfsUsbStorage } from "./collect.linux.sysfs.js";

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

describe("readSysfsUsbStorage", () => {
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
    expect(await readSysfsUsbStorage(fakeRunner("linux", []))).toMatchObject({
      ok: false,
      reason: "not recorded",
      description: "/sys/bus/usb/devices: not recorded",
    });
  });
});
