import { UsbStoragePolicy } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { evaluateUsbStorage, isExcepted, offendingDevices, usbSubject } from "./evaluate.js";
import type { UsbFacts, UsbStorageDevice } from "./facts.js";

const SANDISK: UsbStorageDevice = {
  name: "/dev/sdb",
  vendorId: "0781",
  productId: "5581",
  serial: "4C530001130115117412",
  vendor: "SanDisk",
  model: "Ultra",
  mountpoints: ["/media/user/STICK"],
  sizeBytes: 30752000000,
  source: "lsblk+udevadm",
};
const KINGSTON: UsbStorageDevice = {
  name: "/dev/sdc",
  vendorId: "13fe",
  productId: "6700",
  serial: "071C395B848A2D24",
  mountpoints: [],
  source: "udevadm",
};
const NO_SERIAL: UsbStorageDevice = { name: "/dev/sdd", vendorId: "058f", productId: "6387", mountpoints: [], source: "udevadm" };
const NO_IDS: UsbStorageDevice = { name: "/dev/sde", mountpoints: ["/media/usb0"], source: "lsblk" };
const EMPTY_BUILT_IN_READER: UsbStorageDevice = {
  name: "/dev/sdf",
  vendorId: "0bda",
  productId: "0129",
  serial: "20100201396000000",
  builtIn: true,
  mediaPresent: false,
  mountpoints: [],
  source: "udevadm",
};
const BUILT_IN_READER_WITH_CARD: UsbStorageDevice = { ...EMPTY_BUILT_IN_READER, mediaPresent: true, mountpoints: ["/media/user/SDCARD"] };
const EMPTY_USB_DVD: UsbStorageDevice = {
  name: "/dev/sr1",
  vendorId: "152d",
  productId: "2339",
  serial: "KZNH4NH5607",
  mediaPresent: false,
  sizeBytes: 0,
  mountpoints: [],
  source: "lsblk+udevadm",
};

const policy = (usbStorage: unknown) => UsbStoragePolicy.parse(usbStorage);
const facts = (devices: UsbStorageDevice[], missingSources: string[] = []): UsbFacts => ({ devices, missingSources });

describe("evaluateUsbStorage", () => {
  it.each([
    ["no device", [], {}, "pass", []],
    ["a mounted stick", [SANDISK], {}, "fail", ["4C530001130115117412"]],
    ["two sticks", [SANDISK, KINGSTON], {}, "fail", ["4C530001130115117412", "071C395B848A2D24"]],
    ["a stick without serial, by vendor:product", [NO_SERIAL], {}, "fail", ["058f:6387"]],
    ["a removable disk without ids, by its name", [NO_IDS], {}, "fail", ["/dev/sde"]],
    ["any device when USB storage is allowed", [SANDISK, KINGSTON], { allowed: true }, "pass", []],
    ["the stick excepted by vendor", [SANDISK, KINGSTON], { exceptions: [{ vendorId: "0781" }] }, "fail", ["071C395B848A2D24"]],
    ["the stick excepted by vendor and product", [SANDISK], { exceptions: [{ vendorId: "0781", productId: "5581" }] }, "pass", []],
    [
      "another product of the excepted vendor",
      [SANDISK],
      { exceptions: [{ vendorId: "0781", productId: "5583" }] },
      "fail",
      ["4C530001130115117412"],
    ],
    [
      "the stick excepted by serial",
      [SANDISK, KINGSTON],
      { exceptions: [{ serial: "071C395B848A2D24" }] },
      "fail",
      ["4C530001130115117412"],
    ],
    ["the serial in another case", [KINGSTON], { exceptions: [{ serial: "071c395b848a2d24" }] }, "pass", []],
    ["ids written 0x0781 or in capitals", [SANDISK], { exceptions: [{ vendorId: "0x0781", productId: "5581" }] }, "pass", []],
    [
      "the right serial on the wrong vendor",
      [SANDISK],
      { exceptions: [{ vendorId: "13fe", serial: "4C530001130115117412" }] },
      "fail",
      ["4C530001130115117412"],
    ],
    ["the laptop's empty card reader", [EMPTY_BUILT_IN_READER], {}, "pass", []],
    ["the laptop's card reader with a card in it", [BUILT_IN_READER_WITH_CARD], {}, "fail", ["20100201396000000"]],
    ["an empty plugged-in DVD drive", [EMPTY_USB_DVD], {}, "fail", ["KZNH4NH5607"]],
  ] as const)("%s -> %s", (_case, devices, usbStorage, status, subjects) => {
    const result = evaluateUsbStorage(facts([...devices]), policy(usbStorage));
    expect(result.status).toBe(status);
    expect(result.violations.map((v) => v.subject)).toEqual(subjects);
    expect(result.check).toBe("usb-storage");
  });

  it("reports a device seen by two sources once, with what each knew", () => {
    const fromUdev: UsbStorageDevice = {
      name: "/dev/sdb",
      vendorId: "0781",
      productId: "5581",
      serial: "4C530001130115117412",
      mountpoints: [],
      source: "udevadm",
    };
    const fromLibusb: UsbStorageDevice = {
      name: "/sys/bus/usb/devices/1-4",
      serial: "4C530001130115117412",
      vendor: "SanDisk",
      mountpoints: ["/media/user/STICK"],
      source: "libusb",
    };
    const result = evaluateUsbStorage(facts([fromUdev, fromLibusb]), policy({}));
    expect(result.violations).toEqual([
      {
        subject: "4C530001130115117412",
        message: "USB mass-storage device SanDisk [0781:5581] is mounted at /media/user/STICK (/dev/sdb, seen by udevadm)",
        observed: "SanDisk [0781:5581] mounted at /media/user/STICK",
        expected: "no USB mass-storage device attached or mounted",
      },
    ]);
  });

  it("counts a medium seen by either of two sources of the same reader", () => {
    const empty = { ...EMPTY_BUILT_IN_READER };
    const withCard = { ...EMPTY_BUILT_IN_READER, mediaPresent: true, source: "lsblk" };
    expect(evaluateUsbStorage(facts([empty, withCard]), policy({})).status).toBe("fail");
    expect(evaluateUsbStorage(facts([empty, { ...empty, source: "lsblk" }]), policy({})).status).toBe("pass");
  });

  it("says what it could not read, on a pass and on a fail", () => {
    const missing = ["udevadm info --export-db: not installed", "/sys/bus/usb/devices: absent"];
    expect(evaluateUsbStorage(facts([], missing), policy({}))).toEqual({
      check: "usb-storage",
      status: "pass",
      violations: [],
      reason: "not available here: udevadm info --export-db: not installed; /sys/bus/usb/devices: absent",
    });
    expect(evaluateUsbStorage(facts([SANDISK], missing), policy({})).reason).toBe(
      "not available here: udevadm info --export-db: not installed; /sys/bus/usb/devices: absent",
    );
    expect(evaluateUsbStorage(facts([SANDISK]), policy({}))).not.toHaveProperty("reason");
  });

  it("describes a device with no name or ids plainly", () => {
    const [violation] = evaluateUsbStorage(facts([NO_IDS]), policy({})).violations;
    expect(violation?.message).toBe("USB mass-storage device is mounted at /media/usb0 (/dev/sde, seen by lsblk)");
    expect(violation?.observed).toBe("USB storage device mounted at /media/usb0");
  });
});

describe("the helpers enforcement shares", () => {
  it("offendingDevices is what the verdict lists", () => {
    const all = [SANDISK, KINGSTON, EMPTY_BUILT_IN_READER, NO_SERIAL];
    const p = policy({ exceptions: [{ vendorId: "13fe" }] });
    expect(offendingDevices(facts(all), p).map(usbSubject)).toEqual(evaluateUsbStorage(facts(all), p).violations.map((v) => v.subject));
  });

  it("isExcepted needs every field an exception names", () => {
    const p = policy({ exceptions: [{ vendorId: "0781", productId: "5581", serial: "OTHER" }] });
    expect(isExcepted(SANDISK, p.exceptions)).toBe(false);
    expect(isExcepted({ ...SANDISK, vendorId: "0x781" }, policy({ exceptions: [{ vendorId: "0781" }] }).exceptions)).toBe(true);
  });
});
