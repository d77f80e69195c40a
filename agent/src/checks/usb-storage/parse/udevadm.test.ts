import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { interfaceClassesOf, parseUdevExportDb, parseUdevRecords } from "./udevadm.js";

const U = "linux/udevadm/";
const usbDisks = (text: string) => parseUdevExportDb(text).blockDevices.filter((b) => b.bus === "usb" && b.devtype === "disk");

describe("parseUdevExportDb on the recorded fixtures", () => {
  it("reads ubuntu-dell-latitude-e6430-adata-usb-stick.export-db.txt: 585 records, the ADATA stick sdb with its partition", () => {
    const db = parseUdevExportDb(fixtureText(`${U}ubuntu-dell-latitude-e6430-adata-usb-stick.export-db.txt`));
    expect(db.records).toHaveLength(585);
    expect(db.records.some((r) => r.links.length > 0)).toBe(true);
    expect(usbDisks(fixtureText(`${U}ubuntu-dell-latitude-e6430-adata-usb-stick.export-db.txt`))).toEqual([
      expect.objectContaining({
        kname: "sdb",
        vendorId: "125f",
        productId: "312b",
        serial: "0000000000000505",
        vendor: "ADATA", // ID_VENDOR_ENC=ADATA\x20\x20\x20
        model: "USB Flash Drive", // ID_MODEL_ENC=USB\x20Flash\x20Drive\x20
        usbDriver: "usb-storage",
        usbInterfaceClasses: [8],
        usbPort: "4-2",
        partitionTable: "dos",
      }),
    ]);
    expect(db.blockDevices.find((b) => b.kname === "sdb1")).toMatchObject({
      devtype: "partition",
      parent: "sdb",
      fsType: "vfat",
      bus: "usb",
    });
    expect(db.blockDevices.find((b) => b.kname === "sda")).toMatchObject({ bus: "ata", model: "ST500LX003-1AC15G" });
    expect(db.blockDevices.find((b) => b.kname === "sr0")).toMatchObject({ bus: "ata", idType: "cd" });
    expect(db.usbDevices.find((d) => d.port === "4-2")).toMatchObject({
      vendorId: "125f",
      productId: "312b",
      interfaceClasses: [8],
      drivers: ["usb-storage"],
      busNumber: 4,
      deviceNumber: 2,
    });
  });

  it("reads ubuntu-dell-vostro-3460-internal-usb-card-reader-only.export-db.txt: 576 records, only the empty rts5139 reader on usb", () => {
    const db = parseUdevExportDb(fixtureText(`${U}ubuntu-dell-vostro-3460-internal-usb-card-reader-only.export-db.txt`));
    expect(db.records).toHaveLength(576);
    const usb = db.blockDevices.filter((b) => b.bus === "usb");
    expect(usb).toEqual([
      expect.objectContaining({
        kname: "sdb",
        devtype: "disk",
        vendor: "Generic",
        model: "USB2.0-CRW",
        vendorId: "0bda",
        productId: "0129",
        serial: "20100201396000000",
        usbDriver: "rts5139",
        usbInterfaceClasses: [0xff],
        usbPort: "1-1.3",
      }),
    ]);
    expect(usb[0]).not.toHaveProperty("partitionTable");
    expect(usb[0]).not.toHaveProperty("fsType");
    expect(db.blockDevices.find((b) => b.kname === "sda")).toMatchObject({ bus: "ata", model: "TOSHIBA MK5061GSYN" });
    expect(db.blockDevices.find((b) => b.kname === "sr0")).toMatchObject({ bus: "ata", idType: "cd" });
    expect(db.usbDevices.filter((d) => d.interfaceClasses.includes(8))).toEqual([]);
  });

  it("reads ubuntu-hp-elitebook-835-g10-one-usb-stick.export-db.txt: 1092 records with L: lines, sda 13fe:6700 without a vendor string", () => {
    const db = parseUdevExportDb(fixtureText(`${U}ubuntu-hp-elitebook-835-g10-one-usb-stick.export-db.txt`));
    expect(db.records).toHaveLength(1092);
    const [stick, ...others] = usbDisks(fixtureText(`${U}ubuntu-hp-elitebook-835-g10-one-usb-stick.export-db.txt`));
    expect(others).toEqual([]);
    expect(stick).toMatchObject({
      kname: "sda",
      vendorId: "13fe",
      productId: "6700",
      serial: "071C395B848A2D24",
      model: "USB DISK 3.0",
      usbDriver: "usb-storage",
      usbInterfaceClasses: [8],
      partitionTable: "dos",
    });
    expect(stick).not.toHaveProperty("vendor"); // ID_VENDOR_ENC is eight escaped spaces and there is no ID_VENDOR line
    expect(db.usbDevices.find((d) => d.port === "1-2")).toMatchObject({
      vendorFromDatabase: "Kingston Technology Company Inc.",
      interfaceClasses: [8],
    });
    expect(db.blockDevices.find((b) => b.kname === "sda1")).toMatchObject({ devtype: "partition", parent: "sda", fsType: "vfat" });
    expect(db.blockDevices.find((b) => b.kname === "nvme0n1")).toMatchObject({ model: "WD PC SN740 SDDQNQD-256G-1006", devtype: "disk" });
  });

  it("reads ubuntu-lenovo-t430s-no-usb-storage.export-db.txt: 773 records, no USB disk and no class-08 interface", () => {
    const db = parseUdevExportDb(fixtureText(`${U}ubuntu-lenovo-t430s-no-usb-storage.export-db.txt`));
    expect(db.records).toHaveLength(773);
    expect(db.blockDevices.filter((b) => b.bus === "usb")).toEqual([]);
    expect(db.usbDevices.filter((d) => d.interfaceClasses.includes(8))).toEqual([]);
    const disks = db.blockDevices.filter((b) => b.devtype === "disk").map((b) => b.kname);
    expect(disks).toEqual(expect.arrayContaining(["sda", "sr0", "loop0", "loop7", "ram0", "ram15"]));
    expect(db.blockDevices.find((b) => b.kname === "sda")).toMatchObject({ bus: "ata", model: "HGST HTS725050A7E630" });
    expect(db.blockDevices.find((b) => b.kname === "sr0")).toMatchObject({ bus: "ata", model: "MATSHITADVD-RAM UJ8C2" });
  });
});

describe("parseUdevExportDb details", () => {
  it("reads the interface classes of ID_USB_INTERFACES", () => {
    expect(interfaceClassesOf(":080650:")).toEqual([8]);
    expect(interfaceClassesOf(":ff0650:080650:ff0000:")).toEqual([255, 8]);
    expect(interfaceClassesOf(undefined)).toEqual([]);
  });

  it("takes the ids from PRODUCT when ID_VENDOR_ID is missing, and decodes escaped UTF-8", () => {
    const db = parseUdevExportDb(
      [
        "P: /devices/pci0000:00/0000:00:14.0/usb1/1-4",
        "E: SUBSYSTEM=usb",
        "E: DEVTYPE=usb_device",
        "E: PRODUCT=781/5581/100",
        "E: ID_MODEL_ENC=Clé\\x20USB\\x20\\xc3\\xa9t\\xc3\\xa9",
        "",
        "P: /devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0",
        "E: SUBSYSTEM=usb",
        "E: DEVTYPE=usb_interface",
        "E: INTERFACE=8/6/80",
        "E: DRIVER=uas",
        "",
      ].join("\n"),
    );
    expect(db.usbDevices).toEqual([
      expect.objectContaining({
        port: "1-4",
        vendorId: "0781",
        productId: "5581",
        model: "Clé USB été",
        interfaceClasses: [8],
        drivers: ["uas"],
      }),
    ]);
  });

  it("takes the subsystem and device type from U: and T: lines when a record has no E: form of them", () => {
    const db = parseUdevExportDb(
      "P: /devices/pci0000:00/0000:00:14.0/usb2/2-3/2-3:1.0/host4/target4:0:0/4:0:0:0/block/sdc\nM: sdc\nU: block\nT: disk\nE: ID_BUS=usb\nE: ID_SERIAL_SHORT=AA00000000001234\n",
    );
    expect(db.blockDevices).toEqual([
      expect.objectContaining({ kname: "sdc", devtype: "disk", bus: "usb", usbPort: "2-3", serial: "AA00000000001234" }),
    ]);
  });

  it.each([
    ["a line that is not X: value", "P: /devices/x\nthis is not udev\n"],
    ["a property before any P: line", "E: SUBSYSTEM=block\n"],
    ["an E: line without =", "P: /devices/x\nE: SUBSYSTEM\n"],
  ])("throws a ParseError on %s", (_what, text) => {
    expect(() => parseUdevRecords(text)).toThrow(ParseError);
  });

  it("never fails with anything but a ParseError on a cut or noisy export", () => {
    const sample = fixtureText(`${U}ubuntu-dell-latitude-e6430-adata-usb-stick.export-db.txt`).slice(0, 60_000);
    fc.assert(
      fc.property(fc.nat(), fc.string(), (cut, noise) => {
        try {
          parseUdevExportDb(sample.slice(0, cut % sample.length) + noise);
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
