import { describe, expect, it } from "vitest";
import { fixtureText } from "../../testing/fixtures.js";
import { darwinUsbStorage, disksToIdentify } from "./merge.darwin.js";
import { parseDiskutilInfo } from "./parse/diskutil-info.js";
import { parseDiskutilList } from "./parse/diskutil-list.js";
import { parseSystemProfilerUsb } from "./parse/system-profiler-usb.js";

const usbTree = (file: string, source = "system_profiler -json SPUSBDataType") =>
  parseSystemProfilerUsb(fixtureText(`macos/system_profiler-usb/${file}`), source);
const externalDisks = () =>
  parseDiskutilList(fixtureText("macos/diskutil/macos-external-list-flash-disk.derived.plist"), "diskutil list -plist external");
const flashDiskInfo = () =>
  parseDiskutilInfo(fixtureText("macos/diskutil/macos-2017-info-usb-flash-disk.derived.plist"), "diskutil info -plist disk4");

describe("darwinUsbStorage", () => {
  it("asks diskutil only about external disks no USB device of the tree carries", () => {
    const hostTree = usbTree(
      "macos-apple-silicon-macbookpro-usbhost-json-flash-disk.derived.json",
      "system_profiler -json SPUSBHostDataType",
    );
    expect(disksToIdentify({ usbTree: hostTree, externalDisks: externalDisks() })).toEqual(["disk4"]);
    expect(disksToIdentify({ usbTree: usbTree("macos-apple-silicon-t6000-alcor-flash-disk-mbr-mounted.json") })).toEqual([]);
  });

  it("joins a disk diskutil calls USB to the one USB device whose name matches it, and takes that device's ids", () => {
    const hostTree = usbTree(
      "macos-apple-silicon-macbookpro-usbhost-json-flash-disk.derived.json",
      "system_profiler -json SPUSBHostDataType",
    );
    expect(darwinUsbStorage({ usbTree: hostTree, externalDisks: externalDisks(), diskInfo: [flashDiskInfo()] })).toEqual([
      expect.objectContaining({
        name: "disk4",
        vendorId: "058f",
        productId: "6387",
        serial: "59402D7A",
        mountpoints: ["/Volumes/UNTITLED"],
        source: "diskutil + system_profiler SPUSBHostDataType",
      }),
    ]);
  });

  it("takes a disk diskutil does not call USB for no USB storage", () => {
    const internal = { ...flashDiskInfo(), busProtocol: "PCI-Express" };
    expect(darwinUsbStorage({ externalDisks: externalDisks(), diskInfo: [internal] })).toEqual([]);
  });
});
