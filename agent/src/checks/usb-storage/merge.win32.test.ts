import { describe, expect, it } from "vitest";
import { fixtureText } from "../../testing/fixtures.js";
import { parseGetDisk } from "./parse/get-disk.js";
import { parseWin32DiskDrive } from "./parse/win32-diskdrive.js";
import { usbDisksFromWin32 } from "./merge.win32.js";

const disks = () => parseGetDisk(fixtureText("windows/get-disk/en-winserver-vmware-sas-plus-sandisk-usb-stick.derived.json"), "Get-Disk");
const drives = () =>
  parseWin32DiskDrive(
    fixtureText("windows/win32-diskdrive/en-winserver-vmware-scsi-plus-sandisk-usb-stick.derived.json"),
    "Win32_DiskDrive",
  );
const STICK = {
  name: "\\\\.\\PHYSICALDRIVE1",
  serial: "4C530001230514117424",
  vendor: "SanDisk",
  model: "Cruzer Blade",
  sizeBytes: 16008609792,
  mediaPresent: true,
  mountpoints: [],
};

describe("usbDisksFromWin32", () => {
  it("finds no USB disk on the recorded VMware server (SAS / SCSI)", () => {
    const recordedDisks = parseGetDisk(fixtureText("windows/get-disk/en-winserver-vmware-sas-selectstar-excerpt.txt"), "Get-Disk");
    const recordedDrives = parseWin32DiskDrive(
      fixtureText("windows/win32-diskdrive/en-winserver-vmware-scsi-selectstar-excerpt.txt"),
      "Win32_DiskDrive",
    );
    expect(usbDisksFromWin32({ disks: recordedDisks, drives: recordedDrives })).toEqual([]);
  });

  it("joins both views of the stick into one device, serial in the PnP id's case", () => {
    expect(usbDisksFromWin32({ disks: disks(), drives: drives() })).toEqual([{ ...STICK, source: "Get-Disk, Win32_DiskDrive" }]);
  });

  it.each([
    ["Get-Disk alone (serial from its Path/UniqueId)", { disks: disks() }, { ...STICK, source: "Get-Disk" }],
    [
      "Win32_DiskDrive alone (vendor and model from the USBSTOR id and caption)",
      { drives: drives() },
      { ...STICK, vendor: "SANDISK", model: "SanDisk Cruzer Blade", source: "Win32_DiskDrive" },
    ],
  ])("finds the stick from %s", (_what, sources, expected) => {
    expect(usbDisksFromWin32(sources)).toEqual([expected]);
  });

  it("adds drive letters and the USB ids of the matching mass-storage function", () => {
    const devices = usbDisksFromWin32({
      disks: disks(),
      drives: drives(),
      partitions: [
        { diskNumber: 1, mountpoints: ["E:\\"] },
        { diskNumber: 0, mountpoints: ["C:\\"] },
      ],
      usbFunctions: [{ vendorId: "0781", productId: "5567", serial: "4c530001230514117424" }],
    });
    expect(devices).toEqual([
      { ...STICK, mountpoints: ["E:\\"], vendorId: "0781", productId: "5567", source: "Get-Disk, Win32_DiskDrive" },
    ]);
  });

  it("counts a UASP disk that Win32_DiskDrive calls SCSI as USB when Get-Disk says so", () => {
    const devices = usbDisksFromWin32({
      disks: [{ number: 2, busType: "USB", friendlyName: "Samsung PSSD T7", sizeBytes: 1000204886016 }],
      drives: [
        {
          index: 2,
          deviceId: "\\\\.\\PHYSICALDRIVE2",
          interfaceType: "SCSI",
          pnpDeviceId: "SCSI\\DISK&VEN_SAMSUNG&PROD_PSSD_T7\\7&2F7A9B1&0&000000",
        },
      ],
    });
    expect(devices).toEqual([
      {
        name: "\\\\.\\PHYSICALDRIVE2",
        model: "Samsung PSSD T7",
        vendor: "SAMSUNG",
        sizeBytes: 1000204886016,
        mediaPresent: true,
        mountpoints: [],
        source: "Get-Disk, Win32_DiskDrive",
      },
    ]);
  });

  it("says the medium is absent when Windows reports an empty reader", () => {
    const [reader] = usbDisksFromWin32({
      drives: [
        {
          index: 3,
          interfaceType: "USB",
          pnpDeviceId: "USBSTOR\\DISK&VEN_GENERIC-&PROD_SD/MMC&REV_1.00\\20120926571200000&0",
          mediaLoaded: false,
        },
      ],
    });
    expect(reader).toMatchObject({ mediaPresent: false, serial: "20120926571200000" });
  });
});
