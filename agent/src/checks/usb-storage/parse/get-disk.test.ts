import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeWindowsOutput } from "../../../platform/win32/windows-text.js";
import { fixture, fixtureText } from "../../../testing/fixtures.js";
import { busTypeName, parseGetDisk } from "./get-disk.js";

describe("parseGetDisk", () => {
  it("reads en-winserver-vmware-sas-selectstar-excerpt.txt (Format-List): disk 0, BusType SAS, boot and system disk, not USB", () => {
    expect(parseGetDisk(fixtureText("windows/get-disk/en-winserver-vmware-sas-selectstar-excerpt.txt"), "Get-Disk")).toEqual([
      {
        number: 0,
        busType: "SAS",
        friendlyName: "VMware Virtual disk",
        manufacturer: "VMware",
        model: "Virtual disk",
        uniqueId: "SCSI\\DISK&VEN_VMWARE&PROD_VIRTUAL_DISK\\5&1982005&0&000000:autotest",
        isBoot: true,
        isSystem: true,
      },
    ]);
  });

  it("reads the ConvertTo-Json variant with a USB stick added (en-winserver-vmware-sas-plus-sandisk-usb-stick.derived.json): BusType 10 and 7 by number", () => {
    const disks = parseGetDisk(fixtureText("windows/get-disk/en-winserver-vmware-sas-plus-sandisk-usb-stick.derived.json"), "Get-Disk");
    expect(disks.map((d) => [d.number, d.busType])).toEqual([
      [0, "SAS"],
      [1, "USB"],
    ]);
    expect(disks[1]).toMatchObject({
      serialNumber: "4C530001230514117424",
      sizeBytes: 16008609792,
      manufacturer: "SanDisk",
      model: "Cruzer Blade",
      isBoot: false,
    });
  });

  it("reads one object (one disk) as well as an array, and UTF-16 output", () => {
    const one = '{"Number":0,"BusType":17,"FriendlyName":"Samsung SSD 980"}';
    expect(parseGetDisk(decodeWindowsOutput(iconv.encode(one, "utf16le")), "Get-Disk")).toEqual([
      { number: 0, busType: "NVMe", friendlyName: "Samsung SSD 980" },
    ]);
  });

  it.each([
    [7, "USB"],
    ["7", "USB"],
    ["USB", "USB"],
    [11, "SATA"],
    [99, "bus type 99"],
  ])("names bus type %j %s", (value, name) => {
    expect(busTypeName(value)).toBe(name);
  });

  it.each([
    ["empty output", ""],
    ["a disk without BusType", '[{"Number":0}]'],
    ["JSON cut short", fixtureText("windows/get-disk/en-winserver-vmware-sas-plus-sandisk-usb-stick.derived.json").slice(0, 200)],
    ["an error text", "Get-Disk : Access denied\r\n+ CategoryInfo : PermissionDenied\r\n"],
    ["a size that is not a number", '[{"Number":0,"BusType":7,"Size":"large"}]'],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parseGetDisk(text, "Get-Disk")).toThrow(ParseError);
  });

  it("never throws anything but ParseError on cut-off bytes", () => {
    const bytes = fixture("windows/get-disk/en-winserver-vmware-sas-selectstar-excerpt.txt");
    for (let cut = 0; cut < bytes.length; cut += 7) {
      try {
        parseGetDisk(decodeWindowsOutput(bytes.subarray(0, cut)), "Get-Disk");
      } catch (error) {
        expect(error).toBeInstanceOf(ParseError);
      }
    }
  });
});
