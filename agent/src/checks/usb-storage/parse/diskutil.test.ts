import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseDiskutilInfo } from "./diskutil-info.js";
import { parseDiskutilList } from "./diskutil-list.js";

const DIR = "macos/diskutil";

describe("parseDiskutilList", () => {
  it("macos-apple-silicon-internal-only-list.plist: disk0 physical GUID, disk1/disk2 OS-internal APFS containers, disk3 with the system volumes and /nix", () => {
    const disks = parseDiskutilList(fixtureText(`${DIR}/macos-apple-silicon-internal-only-list.plist`), "diskutil list -plist");
    expect(disks.map((d) => [d.id, d.content, d.osInternal, d.apfsPhysicalStores])).toEqual([
      ["disk0", "GUID_partition_scheme", false, []],
      ["disk1", "Apple_APFS_Container", true, ["disk0s1"]],
      ["disk2", "Apple_APFS_Container", true, ["disk0s3"]],
      ["disk3", "Apple_APFS_Container", false, ["disk0s2"]],
    ]);
    expect(disks[0]?.partitions.map((p) => p.id)).toEqual(["disk0s1", "disk0s2", "disk0s3"]);
    expect(disks[3]?.apfsVolumes.flatMap((v) => v.mountPoint ?? [])).toEqual([
      "/",
      "/System/Volumes/Preboot",
      "/System/Volumes/Update",
      "/System/Volumes/Data",
      "/System/Volumes/VM",
      "/nix",
    ]);
    // The plist form has no internal/external flag.
    expect(disks.every((d) => d.internal === undefined)).toBe(true);
  });

  it("osx-list-text-sd-card-in-builtin-reader-internal-partial.txt: disk0-2 all (internal, physical), disk2 is the SD card (FDisk: boot FAT32 + Linux)", () => {
    const disks = parseDiskutilList(fixtureText(`${DIR}/osx-list-text-sd-card-in-builtin-reader-internal-partial.txt`), "diskutil list");
    expect(disks.map((d) => [d.id, d.internal, d.physical, d.content])).toEqual([
      ["disk0", true, true, "GUID_partition_scheme"],
      ["disk1", true, true, "GUID_partition_scheme"],
      ["disk2", true, true, "FDisk_partition_scheme"],
    ]);
    expect(disks[0]?.partitions.map((p) => [p.id, p.content, p.name, p.sizeText])).toEqual([
      ["disk0s1", "EFI", "EFI", "209.7 MB"],
      ["disk0s2", "Apple_HFS", "TawnyOwl", "255.2 GB"],
      ["disk0s3", "Apple_Boot", "Recovery HD", "650.0 MB"],
    ]);
    expect(disks[2]?.partitions.map((p) => [p.id, p.content, p.name])).toEqual([
      ["disk2s1", "Windows_FAT_32", "boot"],
      ["disk2s2", "Linux", undefined],
    ]);
  });

  it("macos-external-list-flash-disk.derived.plist (derived): one external whole disk disk4 with UNTITLED mounted", () => {
    const disks = parseDiskutilList(fixtureText(`${DIR}/macos-external-list-flash-disk.derived.plist`), "diskutil list -plist external");
    expect(disks).toEqual([
      {
        id: "disk4",
        content: "FDisk_partition_scheme",
        sizeBytes: 4009754624,
        osInternal: false,
        partitions: [{ id: "disk4s1", name: "UNTITLED", content: "DOS_FAT_32", sizeBytes: 4008706048, mountPoint: "/Volumes/UNTITLED" }],
        apfsVolumes: [],
        apfsPhysicalStores: [],
      },
    ]);
  });

  it("reads a synthesized APFS container in the text form", () => {
    const text = [
      "/dev/disk5 (synthesized):",
      "   #:                       TYPE NAME                    SIZE       IDENTIFIER",
      "   0:      APFS Container Scheme -                      +999.9 GB   disk5",
      "                                 Physical Store disk4s2",
      "   1:                APFS Volume Backup                 512.0 GB   disk5s1",
      "",
    ].join("\n");
    expect(parseDiskutilList(text, "diskutil list")).toEqual([
      {
        id: "disk5",
        physical: false,
        content: "APFS Container Scheme",
        partitions: [],
        apfsVolumes: [{ id: "disk5s1", content: "APFS Volume", name: "Backup", sizeText: "512.0 GB" }],
        apfsPhysicalStores: ["disk4s2"],
      },
    ]);
  });

  it.each([
    ["a row before any disk header", "   1:   EFI EFI   209.7 MB   disk0s1\n"],
    [
      "a plist without AllDisksAndPartitions",
      '<?xml version="1.0"?><plist version="1.0"><dict><key>WholeDisks</key><array/></dict></plist>',
    ],
    ["truncated plist", fixtureText(`${DIR}/macos-apple-silicon-internal-only-list.plist`).slice(0, 800)],
  ])("refuses %s with a ParseError", (_name, text) => {
    expect(() => parseDiskutilList(text, "diskutil list")).toThrow(ParseError);
  });
});

describe("parseDiskutilInfo", () => {
  it("macos-2017-info-usb-flash-disk-removable-fixed.txt: Protocol USB, External, 'Removable Media: Fixed' kept as reported, 4009754624 bytes, not mounted", () => {
    expect(parseDiskutilInfo(fixtureText(`${DIR}/macos-2017-info-usb-flash-disk-removable-fixed.txt`), "diskutil info /dev/disk2")).toEqual(
      {
        id: "disk2",
        busProtocol: "USB",
        internal: false,
        wholeDisk: true,
        virtual: false,
        removableMedia: false,
        mediaName: "Flash Disk",
        sizeBytes: 4009754624,
      },
    );
  });

  it("macos-2017-info-usb-flash-disk.derived.plist (derived: the same disk in -plist keys, as disk4)", () => {
    expect(parseDiskutilInfo(fixtureText(`${DIR}/macos-2017-info-usb-flash-disk.derived.plist`), "diskutil info -plist disk4")).toEqual({
      id: "disk4",
      busProtocol: "USB",
      internal: false,
      wholeDisk: true,
      virtual: false,
      removableMedia: false,
      mediaName: "Flash Disk",
      sizeBytes: 4009754624,
    });
  });

  it.each([
    ["diskutil's error text", "Could not find disk: disk9\n"],
    [
      "an error plist",
      '<?xml version="1.0"?><plist version="1.0"><dict><key>ErrorMessage</key><string>Could not find disk</string></dict></plist>',
    ],
  ])("refuses %s with a ParseError naming it", (_name, text) => {
    expect(() => parseDiskutilInfo(text, "diskutil info")).toThrow(/Could not find disk/);
  });
});
