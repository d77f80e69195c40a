import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseSystemProfilerUsb, parseVendor, type SpUsbDevice } from "./system-profiler-usb.js";

const DIR = "macos/system_profiler-usb";
const read = (file: string) => parseSystemProfilerUsb(fixtureText(`${DIR}/${file}`), file);
const withDisks = (devices: SpUsbDevice[]) => devices.filter((d) => d.disks.length > 0);
const named = (devices: SpUsbDevice[], name: string) => devices.find((d) => d.name === name);

describe("parseSystemProfilerUsb", () => {
  it("macos-intel-t2-macbookpro-sandisk-extreme-ssd.json: 5 buses, one storage device (Extreme SSD, attached, nothing mounted), nested hubs walked", () => {
    const report = read("macos-intel-t2-macbookpro-sandisk-extreme-ssd.json");
    expect(report).toMatchObject({ dataType: "SPUSBDataType", buses: 5 });
    expect(withDisks(report.devices)).toEqual([
      {
        name: "Extreme SSD",
        vendorId: "0781",
        vendorName: "SanDisk Corporation",
        productId: "558c",
        serial: "************************",
        manufacturer: expect.any(String),
        locationId: expect.any(String),
        builtIn: false,
        disks: [
          {
            bsdName: "disk2",
            sizeBytes: 1000204140544,
            volumes: [
              { name: "EFI", bsdName: "disk2s1" },
              { name: "disk2s2", bsdName: "disk2s2" },
            ],
          },
        ],
      },
    ]);
    // Three levels below the bus: hub -> hub -> Android phone; T2 internals say apple_vendor_id.
    expect(named(report.devices, "Android")).toMatchObject({ vendorId: "05c6", productId: "9091", disks: [] });
    expect(named(report.devices, "Apple T2 Controller")).toMatchObject({ vendorId: "05ac", vendorName: "Apple Inc.", disks: [] });
    expect(named(report.devices, "AirPods Max")?.disks).toEqual([]);
  });

  it("macos-apple-silicon-t6000-mudita-harmony-msc-comma-decimal.json: bare vendor 0x3310, disk8 of 3909091328 bytes from size_in_bytes (not '3,91 GB'), 3 unmounted volumes", () => {
    const [device, ...others] = withDisks(read("macos-apple-silicon-t6000-mudita-harmony-msc-comma-decimal.json").devices);
    expect(others).toEqual([]);
    expect(device).toMatchObject({
      name: "Mudita Harmony (MSC mode)",
      vendorId: "3310",
      productId: "0103",
      serial: "0123456789ABCDEF",
      manufacturer: "Mudita",
    });
    expect(device?.vendorName).toBeUndefined();
    expect(device?.disks).toEqual([
      {
        bsdName: "disk8",
        sizeBytes: 3909091328,
        volumes: ["disk8s1", "disk8s2", "disk8s3"].map((n) => ({ name: n, bsdName: n })),
      },
    ]);
  });

  it("macos-apple-silicon-t6000-innostor-stick-unpartitioned-not-mounted.json (tab-indented JSON): PenDrive on disk5, no volumes key at all", () => {
    const report = read("macos-apple-silicon-t6000-innostor-stick-unpartitioned-not-mounted.json");
    expect(withDisks(report.devices)).toEqual([
      expect.objectContaining({
        name: "PenDrive",
        manufacturer: "Innostor",
        vendorId: "1f75",
        vendorName: "Innostor Co., Ltd.",
        productId: "0917",
        serial: "000000000000005309",
        builtIn: false,
        disks: [{ bsdName: "disk5", sizeBytes: expect.any(Number), volumes: [] }],
      }),
    ]);
    expect(named(report.devices, "YubiKey OTP+FIDO+CCID")).toMatchObject({ vendorId: "1050", productId: "0407", disks: [] });
    expect(named(report.devices, "YubiKey OTP+FIDO+CCID")?.serial).toBeUndefined();
  });

  it("macos-apple-silicon-t6000-alcor-flash-disk-mbr-mounted.json: Flash Disk on disk5, volume TEST mounted at /Volumes/TEST", () => {
    const report = read("macos-apple-silicon-t6000-alcor-flash-disk-mbr-mounted.json");
    expect(withDisks(report.devices)).toEqual([
      expect.objectContaining({
        name: "Flash Disk",
        manufacturer: "USB",
        vendorId: "058f",
        vendorName: "Alcor Micro, Corp.",
        productId: "6387",
        serial: "59402D7A",
        disks: [{ bsdName: "disk5", sizeBytes: 1930428416, volumes: [{ name: "TEST", bsdName: "disk5s1", mountPoint: "/Volumes/TEST" }] }],
      }),
    ]);
    expect(named(report.devices, "FaceTime HD Camera (Display)")?.builtIn).toBe(true);
  });

  it("macos-10.12-xml-toshiba-external-disk-mounted.xml: one device although the bus repeats its bsd_name and volumes", () => {
    const report = read("macos-10.12-xml-toshiba-external-disk-mounted.xml");
    const storage = withDisks(report.devices);
    expect(storage).toHaveLength(1);
    expect(storage[0]).toMatchObject({
      name: "External USB 3.0",
      vendorId: "0480",
      vendorName: "Toshiba America Info. Systems, Inc.",
      productId: "a00c",
      serial: "20150123045944",
    });
    expect(storage[0]?.disks.map((d) => d.bsdName)).toEqual(["disk1"]);
    expect(storage[0]?.disks[0]?.volumes.flatMap((v) => v.mountPoint ?? [])).toEqual([
      "/Volumes/105",
      "/Volumes/osx106",
      "/Volumes/osx10.12",
    ]);
    expect(storage[0]?.disks[0]?.volumes.filter((v) => v.mountPoint === undefined).map((v) => v.name)).toEqual([
      "EFI",
      "disk1s4",
      "Recovery HD",
    ]);
  });

  it("osx-legacy-xml-prefixed-keys-lexar-jumpdrive-mounted.xml: prefixed keys (a_product_id, b_vendor_id, d_serial_num) and three storage devices", () => {
    const storage = withDisks(read("osx-legacy-xml-prefixed-keys-lexar-jumpdrive-mounted.xml").devices);
    expect(
      storage.map((d) => [
        d.name,
        d.vendorId,
        d.productId,
        d.serial,
        d.disks.map((k) => k.bsdName).join(),
        d.disks.flatMap((k) => k.volumes.flatMap((v) => v.mountPoint ?? [])),
      ]),
    ).toEqual([
      ["JumpDrive", "05dc", "a202", "AASOP1QMSZ0XG051", "disk1", ["/Volumes/Windows USB"]],
      ["External USB 3.0", "0480", "a00c", "20150123045944", "disk3", ["/", "/Volumes/osx106", "/Volumes/osx10.12"]],
      ["UDisk 2.0", "abcd", "1234", "1311141504461042257807", "disk2", []],
    ]);
    expect(storage[0]).toMatchObject({ vendorName: "Lexar Media, Inc.", manufacturer: "Lexar" });
    // Toshiba's vendor id carries no name in this old output; sizes there are only "465,76 GB" (no byte count).
    expect(storage[1]?.vendorName).toBeUndefined();
    expect(storage[1]?.disks[0]?.sizeBytes).toBeUndefined();
  });

  it("macos-2017-xml-iomega-dvd-drive-no-media.xml: the Iomega drive and the built-in card reader carry no disk", () => {
    const report = read("macos-2017-xml-iomega-dvd-drive-no-media.xml");
    expect(withDisks(report.devices)).toEqual([]);
    expect(named(report.devices, "Optical USB 2.0")).toMatchObject({
      vendorId: "059b",
      vendorName: "Iomega Corporation",
      productId: "0252",
      serial: "DEF109C77CF6",
      builtIn: false,
    });
    expect(named(report.devices, "Internal Memory Card Reader")).toMatchObject({
      vendorId: "05ac",
      productId: "8406",
      serial: "000000000820",
      builtIn: true,
    });
    expect(named(report.devices, "Bluetooth USB Host Controller")?.builtIn).toBe(true);
  });

  it("macos-virtualbox-vm-xml-no-storage.xml: a tablet and a keyboard from VirtualBox (0x80ee), no storage", () => {
    const report = read("macos-virtualbox-vm-xml-no-storage.xml");
    expect(report.devices.map((d) => [d.name, d.vendorId, d.serial])).toEqual([
      ["USB Tablet", "80ee", undefined],
      ["USB Keyboard", "80ee", undefined],
    ]);
    expect(withDisks(report.devices)).toEqual([]);
  });

  it("osx-intel-text-imation-transit-drive-mounted.txt (text form): Trans-It Drive on disk1, Untitled mounted at /Volumes/Untitled", () => {
    const report = read("osx-intel-text-imation-transit-drive-mounted.txt");
    expect(report).toMatchObject({ dataType: "SPUSBDataType", buses: 2 });
    expect(withDisks(report.devices)).toEqual([
      {
        name: "Trans-It Drive",
        vendorId: "0718",
        vendorName: "Imation Corp.",
        productId: "0622",
        serial: "0792181A2BDD",
        manufacturer: "TDKMedia",
        locationId: "0xfa130000",
        builtIn: false,
        disks: [
          { bsdName: "disk1", sizeBytes: 3992977408, volumes: [{ name: "Untitled", bsdName: "disk1s1", mountPoint: "/Volumes/Untitled" }] },
        ],
      },
    ]);
    expect(named(report.devices, "Arduino Mega ADK")).toMatchObject({ vendorId: "2341", productId: "0044", disks: [] });
    expect(report.devices).toHaveLength(9);
  });

  it("macos-apple-silicon-macbookpro-usbhost-text-serial-adapter-no-storage.txt: SPUSBHostDataType keys, 'Not Provided' is no serial, no storage", () => {
    const report = read("macos-apple-silicon-macbookpro-usbhost-text-serial-adapter-no-storage.txt");
    expect(report).toMatchObject({ dataType: "SPUSBHostDataType", buses: 4 });
    expect(report.devices.map((d) => [d.name, d.vendorId, d.productId, d.serial, d.builtIn, d.disks.length])).toEqual([
      ["USB Serial", "1a86", "7523", undefined, false, 0],
      ["USB2.1 Hub", "2717", "50ae", undefined, false, 0],
      ["USB3.2 Hub", "2717", "50ae", undefined, false, 0],
    ]);
  });

  it("macos-apple-silicon-macbookpro-usbhost-json-flash-disk.derived.json (derived: the report above in -json keys plus one stick): ids but no disks", () => {
    const report = read("macos-apple-silicon-macbookpro-usbhost-json-flash-disk.derived.json");
    expect(report).toMatchObject({ dataType: "SPUSBHostDataType", buses: 4 });
    expect(named(report.devices, "Flash Disk")).toEqual({
      name: "Flash Disk",
      vendorId: "058f",
      productId: "6387",
      serial: "59402D7A",
      manufacturer: "USB",
      locationId: "0x00100000",
      builtIn: false,
      disks: [],
    });
  });

  it.each([
    ["macOS 26's empty SPUSBDataType", '{\n  "SPUSBDataType" : [ ]\n}\n', 0],
    ["empty text output", "", 0],
  ])("reads %s as no bus at all", (_name, text, buses) => {
    expect(parseSystemProfilerUsb(text, "system_profiler -json SPUSBDataType")).toEqual({ dataType: "SPUSBDataType", buses, devices: [] });
  });

  it.each([
    ["truncated JSON", fixtureText(`${DIR}/macos-apple-silicon-t6000-alcor-flash-disk-mbr-mounted.json`).slice(0, 900)],
    ["JSON of another data type", '{ "SPPowerDataType": [] }'],
    ["truncated XML", fixtureText(`${DIR}/macos-2017-xml-iomega-dvd-drive-no-media.xml`).slice(0, 1500)],
    ["an error message", "system_profiler: unknown data type\n"],
  ])("refuses %s with a ParseError", (_name, text) => {
    expect(() => parseSystemProfilerUsb(text, "system_profiler")).toThrow(ParseError);
  });

  it("never throws anything but a ParseError on a cut real output", () => {
    const text = fixtureText(`${DIR}/osx-intel-text-imation-transit-drive-mounted.txt`);
    fc.assert(
      fc.property(fc.nat(text.length), (cut) => {
        try {
          parseSystemProfilerUsb(text.slice(0, cut), "x");
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});

describe("parseVendor", () => {
  it.each([
    ["0x0781  (SanDisk Corporation)", { id: "0781", name: "SanDisk Corporation" }],
    ["0x3310", { id: "3310" }],
    ["apple_vendor_id", { id: "05ac", name: "Apple Inc." }],
    ["0x781", { id: "0781" }],
    ["garbage", {}],
  ])("%s", (raw, expected) => {
    expect(parseVendor(raw)).toEqual(expected);
  });
});
