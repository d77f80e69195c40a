import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseWin32DiskDrive } from "./win32-diskdrive.js";

describe("parseWin32DiskDrive", () => {
  it("reads en-winserver-vmware-scsi-selectstar-excerpt.txt (Format-List): PHYSICALDRIVE0, InterfaceType SCSI, 53686402560 bytes, no USB", () => {
    expect(
      parseWin32DiskDrive(fixtureText("windows/win32-diskdrive/en-winserver-vmware-scsi-selectstar-excerpt.txt"), "Win32_DiskDrive"),
    ).toEqual([
      {
        index: 0,
        deviceId: "\\\\.\\PHYSICALDRIVE0",
        caption: "VMware Virtual disk SCSI Disk Device",
        interfaceType: "SCSI",
        pnpDeviceId: "SCSI\\DISK&VEN_VMWARE&PROD_VIRTUAL_DISK\\5&1982005&0&000000",
        sizeBytes: 53686402560,
      },
    ]);
  });

  it("reads the JSON variant with a USB stick added (en-winserver-vmware-scsi-plus-sandisk-usb-stick.derived.json)", () => {
    const drives = parseWin32DiskDrive(
      fixtureText("windows/win32-diskdrive/en-winserver-vmware-scsi-plus-sandisk-usb-stick.derived.json"),
      "Win32_DiskDrive",
    );
    expect(drives.map((d) => d.interfaceType)).toEqual(["SCSI", "USB"]);
    expect(drives[1]).toMatchObject({
      index: 1,
      pnpDeviceId: "USBSTOR\\DISK&VEN_SANDISK&PROD_CRUZER_BLADE&REV_1.00\\4C530001230514117424&0",
      mediaType: "Removable Media",
    });
  });

  it("takes the index from DeviceID when Index was not selected, and reads MediaLoaded", () => {
    expect(parseWin32DiskDrive('{"DeviceID":"\\\\\\\\.\\\\PHYSICALDRIVE3","InterfaceType":"USB","MediaLoaded":false}', "x")).toEqual([
      { index: 3, deviceId: "\\\\.\\PHYSICALDRIVE3", interfaceType: "USB", mediaLoaded: false },
    ]);
  });

  it.each([
    ["no disk at all", "[]"],
    ["a disk with neither InterfaceType nor PNPDeviceID", '{"DeviceID":"\\\\\\\\.\\\\PHYSICALDRIVE0"}'],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parseWin32DiskDrive(text, "x")).toThrow(ParseError);
  });
});
