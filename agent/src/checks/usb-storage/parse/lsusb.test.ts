import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { isMassStorage, parseLsusb } from "./lsusb.js";

const U = "linux/lsusb/";

describe("parseLsusb on the recorded fixtures", () => {
  it("reads centos-7.7-vmware-vm-lsusb.txt: 5 devices, one with an empty description, none storage", () => {
    const out = parseLsusb(fixtureText(`${U}centos-7.7-vmware-vm-lsusb.txt`));
    expect(out.format).toBe("list");
    expect(out.devices.map((d) => `${d.vendorId}:${d.productId}`)).toEqual([
      "1d6b:0002",
      "0e0f:0008",
      "0e0f:0002",
      "0e0f:0003",
      "1d6b:0001",
    ]);
    expect(out.devices[1]).toMatchObject({ bus: 2, device: 4, description: "VMware, Inc." });
    expect(out.devices[2]).toMatchObject({ description: "VMware, Inc. Virtual USB Hub" });
    expect(out.devices[3]).toMatchObject({ description: "VMware, Inc. Virtual Mouse" });
    expect(out.devices.some(isMassStorage)).toBe(false);
  });

  it("reads framework-laptop-lsusb-v-no-mass-storage.txt: 14 devices with their interfaces, none of class 8", () => {
    const out = parseLsusb(fixtureText(`${U}framework-laptop-lsusb-v-no-mass-storage.txt`));
    expect(out.format).toBe("verbose");
    expect(out.devices).toHaveLength(14);
    const ids = out.devices.map((d) => `${d.vendorId}:${d.productId}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        "27c6:609c",
        "0bda:5634",
        "2708:0006",
        "32ac:0002",
        "04d9:4545",
        "046d:0892",
        "046d:c08b",
        "8087:0032",
        "05e3:0610",
        "05e3:0616",
        "1d6b:0002",
        "1d6b:0003",
      ]),
    );
    expect(out.devices.find((d) => d.productId === "c08b")).toMatchObject({
      manufacturer: "Logitech",
      product: "G502 HERO Gaming Mouse",
      serial: "158E39603038",
    });
    expect(out.devices.find((d) => d.productId === "609c")?.interfaces).toEqual([
      { number: 0, classCode: 255, className: "Vendor Specific Class", subClass: 0, protocol: 0 },
    ]);
    expect(out.devices.find((d) => d.productId === "0892")?.interfaces.map((i) => i.classCode)).toEqual([14, 14, 1, 1]);
    expect(out.devices.some(isMassStorage)).toBe(false);
  });

  it("reads lsusb-t-tree-no-mass-storage.txt: the tree with port paths, classes and drivers, nothing bound to usb-storage", () => {
    const out = parseLsusb(fixtureText(`${U}lsusb-t-tree-no-mass-storage.txt`));
    expect(out.format).toBe("tree");
    expect(out.devices.find((d) => d.bus === 3 && d.device === 90)).toEqual({
      bus: 3,
      device: 90,
      portPath: "1.2",
      interfaces: [
        { number: 0, className: "Communications", driver: "cdc_acm" },
        { number: 1, className: "CDC Data", driver: "cdc_acm" },
      ],
    });
    expect(out.devices.find((d) => d.bus === 1 && d.device === 67)).toMatchObject({
      portPath: "1.6.1",
      interfaces: [{ driver: "usbhid" }, { driver: "usbhid" }],
    });
    expect(out.devices.filter((d) => d.portPath === undefined).map((d) => d.bus)).toEqual([4, 3, 2, 1]);
    expect(out.devices.some(isMassStorage)).toBe(false);
  });

  it("reads sandisk-portable-ssd.partial-lsusb-v-d.txt: newer usbutils, one SanDisk with a Bulk-Only SCSI mass-storage interface", () => {
    const out = parseLsusb(fixtureText(`${U}sandisk-portable-ssd.partial-lsusb-v-d.txt`));
    expect(out.format).toBe("verbose");
    expect(out.devices).toEqual([
      {
        bus: 2,
        device: 11,
        vendorId: "0781",
        productId: "55bb",
        description: "SanDisk Corp. Portable SSD",
        deviceClass: 0,
        manufacturer: "SanDisk",
        product: "Portable SSD",
        serial: "323530333733343031393831",
        interfaces: [{ number: 0, classCode: 8, className: "Mass Storage", subClass: 6, protocol: 80 }],
      },
    ]);
    expect(isMassStorage(out.devices[0] ?? { bus: 0, device: 0, interfaces: [] })).toBe(true);
  });
});

describe("parseLsusb other forms", () => {
  it("reads the tree of usbutils 017+, with ID lines and a device on uas", () => {
    const out = parseLsusb(
      [
        "/:  Bus 002.Port 001: Dev 001, Class=root_hub, Driver=xhci_hcd/4p, 10000M",
        "    ID 1d6b:0003 Linux Foundation 3.0 root hub",
        "    |__ Port 002: Dev 003, If 0, Class=Mass Storage, Driver=uas, 5000M",
        "        ID 0781:558c SanDisk Corp. Extreme Portable SSD",
        "",
      ].join("\n"),
    );
    expect(out.devices[1]).toEqual({
      bus: 2,
      device: 3,
      portPath: "2",
      vendorId: "0781",
      productId: "558c",
      description: "SanDisk Corp. Extreme Portable SSD",
      interfaces: [{ number: 0, className: "Mass Storage", classCode: 8, driver: "uas" }],
    });
    expect(isMassStorage(out.devices[1] ?? { bus: 0, device: 0, interfaces: [] })).toBe(true);
  });

  it("reads no output as no devices", () => {
    expect(parseLsusb("").devices).toEqual([]);
  });

  it.each([
    ["an error message", "lsusb: cannot open /dev/bus/usb\n"],
    ["verbose descriptors without a Bus line", "Device Descriptor:\n  bLength 18\n"],
    ["a tree line it does not know", "/:  Bus 01.Port 1: Dev 1, Class=root_hub, Driver=ehci-pci/3p, 480M\n    garbage\n"],
  ])("throws a ParseError on %s", (_what, text) => {
    expect(() => parseLsusb(text)).toThrow(ParseError);
  });

  it("never fails with anything but a ParseError on cut or noisy output", () => {
    const samples = [
      fixtureText(`${U}lsusb-t-tree-no-mass-storage.txt`),
      fixtureText(`${U}sandisk-portable-ssd.partial-lsusb-v-d.txt`),
      fixtureText(`${U}centos-7.7-vmware-vm-lsusb.txt`),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.nat(), fc.string(), (sample, cut, noise) => {
        try {
          parseLsusb(sample.slice(0, cut % (sample.length + 1)) + noise);
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});
