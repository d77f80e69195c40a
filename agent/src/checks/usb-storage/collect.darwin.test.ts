import { DEFAULT_POLICY, UsbStoragePolicy } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { fixtureText } from "../../testing/fixtures.js";
import { collectReadingDeclared, ReadRecorder, undeclaredReads } from "../../testing/declared-sources.js";
import { fakeRunner, type FakeCommand } from "../../testing/fake-runner.js";
import { collectUsbStorageDarwin } from "./collect.darwin.js";
import { evaluateUsbStorage } from "./evaluate.js";

const SP_USB = ["system_profiler", "-json", "SPUSBDataType"];
const SP_USB_HOST = ["system_profiler", "-json", "SPUSBHostDataType"];
const DISKUTIL_LIST = ["diskutil", "list", "-plist", "external"];
const diskutilInfo = (disk: string) => ["diskutil", "info", "-plist", disk];

const usbTree = (file: string): FakeCommand => ({ argv: SP_USB, stdout: fixtureText(`macos/system_profiler-usb/${file}`) });
/** What `diskutil list -plist external` prints when nothing external is attached. */
const NO_EXTERNAL_DISKS: FakeCommand = {
  argv: DISKUTIL_LIST,
  stdout: `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n\t<key>AllDisks</key>\n\t<array/>\n\t<key>AllDisksAndPartitions</key>\n\t<array/>\n\t<key>VolumesFromDisks</key>\n\t<array/>\n\t<key>WholeDisks</key>\n\t<array/>\n</dict>\n</plist>\n`,
};
/** What macOS 26 prints for the retired data type. */
const EMPTY_SP_USB: FakeCommand = { argv: SP_USB, stdout: '{\n  "SPUSBDataType" : [ ]\n}\n' };

async function judge(commands: FakeCommand[], policy = DEFAULT_POLICY.usbStorage) {
  const facts = await collectReadingDeclared(collectUsbStorageDarwin, fakeRunner("darwin", commands));
  return { facts, result: evaluateUsbStorage(facts, policy) };
}

describe("collectUsbStorageDarwin", () => {
  it("fails on the Alcor Flash Disk mounted at /Volumes/TEST (SPUSBDataType JSON, Apple Silicon)", async () => {
    const { facts, result } = await judge([usbTree("macos-apple-silicon-t6000-alcor-flash-disk-mbr-mounted.json"), NO_EXTERNAL_DISKS]);
    expect(facts).toEqual({
      devices: [
        {
          name: "disk5",
          model: "Flash Disk",
          vendor: "Alcor Micro, Corp.",
          vendorId: "058f",
          productId: "6387",
          serial: "59402D7A",
          sizeBytes: 1930428416,
          mountpoints: ["/Volumes/TEST"],
          source: "system_profiler SPUSBDataType",
          mediaPresent: true,
        },
      ],
      missingSources: [],
    });
    expect(result.status).toBe("fail");
    expect(result.violations[0]).toMatchObject({
      subject: "59402D7A",
      observed: "Alcor Micro, Corp. Flash Disk [058f:6387] mounted at /Volumes/TEST",
    });
  });

  it.each([
    ["macos-intel-t2-macbookpro-sandisk-extreme-ssd.json", "SanDisk Extreme SSD attached, nothing mounted", ["disk2"]],
    ["macos-apple-silicon-t6000-innostor-stick-unpartitioned-not-mounted.json", "Innostor stick without partitions", ["disk5"]],
    ["macos-apple-silicon-t6000-mudita-harmony-msc-comma-decimal.json", "phone in mass-storage mode", ["disk8"]],
    ["macos-10.12-xml-toshiba-external-disk-mounted.xml", "Toshiba disk counted once although its bus repeats it", ["disk1"]],
    [
      "osx-legacy-xml-prefixed-keys-lexar-jumpdrive-mounted.xml",
      "three devices in the old prefixed-key XML, one of them the boot disk",
      ["disk1", "disk3", "disk2"],
    ],
    ["osx-intel-text-imation-transit-drive-mounted.txt", "Imation stick in the text form", ["disk1"]],
  ])("fails on %s (%s): an attached USB mass-storage device breaks the policy, mounted or not", async (file, _what, names) => {
    const { facts, result } = await judge([usbTree(file), NO_EXTERNAL_DISKS]);
    expect(facts.devices.map((d) => d.name)).toEqual(names);
    expect(result.status).toBe("fail");
    expect(result.violations).toHaveLength(names.length);
  });

  it("adds the mount points of APFS volumes stored on a USB disk, which system_profiler does not show as mounted", async () => {
    const apfsOnDisk2 = `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>AllDisksAndPartitions</key><array>
      <dict><key>Content</key><string>GUID_partition_scheme</string><key>DeviceIdentifier</key><string>disk2</string><key>Partitions</key><array>
        <dict><key>Content</key><string>EFI</string><key>DeviceIdentifier</key><string>disk2s1</string></dict>
        <dict><key>Content</key><string>Apple_APFS</string><key>DeviceIdentifier</key><string>disk2s2</string></dict></array></dict>
      <dict><key>APFSPhysicalStores</key><array><dict><key>DeviceIdentifier</key><string>disk2s2</string></dict></array>
        <key>APFSVolumes</key><array><dict><key>DeviceIdentifier</key><string>disk3s1</string><key>MountPoint</key><string>/Volumes/Extreme SSD</string></dict></array>
        <key>Content</key><string>Apple_APFS_Container</string><key>DeviceIdentifier</key><string>disk3</string></dict>
    </array></dict></plist>\n`;
    const { facts } = await judge([
      usbTree("macos-intel-t2-macbookpro-sandisk-extreme-ssd.json"),
      { argv: DISKUTIL_LIST, stdout: apfsOnDisk2 },
    ]);
    expect(facts.devices).toEqual([expect.objectContaining({ name: "disk2", mountpoints: ["/Volumes/Extreme SSD"] })]);
  });

  it("fails on the empty external Iomega DVD drive (a USB mass-storage device is attached even with no disc in it) but not on the Mac's own empty card reader", async () => {
    const { facts, result } = await judge([usbTree("macos-2017-xml-iomega-dvd-drive-no-media.xml"), NO_EXTERNAL_DISKS]);
    expect(facts.devices).toEqual([
      {
        name: "USB 0x15300000 (no medium)",
        model: "Internal Memory Card Reader",
        vendor: "Apple Inc.",
        vendorId: "05ac",
        productId: "8406",
        serial: "000000000820",
        builtIn: true,
        mountpoints: [],
        mediaPresent: false,
        source: "system_profiler SPUSBDataType",
      },
      {
        name: "USB 0x14200000 (no medium)",
        model: "Optical USB 2.0",
        vendor: "Iomega Corporation",
        vendorId: "059b",
        productId: "0252",
        serial: "DEF109C77CF6",
        mountpoints: [],
        mediaPresent: false,
        source: "system_profiler SPUSBDataType",
      },
    ]);
    expect(result.status).toBe("fail");
    expect(result.violations.map((v) => v.subject)).toEqual(["DEF109C77CF6"]);
  });

  it("reports each disk of a multi-slot device under its own name, one violation for the device", async () => {
    const text = fixtureText("macos/system_profiler-usb/osx-intel-text-imation-transit-drive-mounted.txt").replace(
      "              Partition Map Type: MBR (Master Boot Record)\n",
      "              Partition Map Type: MBR (Master Boot Record)\n              Media:\n                Second Slot:\n                  BSD Name: disk2\n",
    );
    const { facts, result } = await judge([{ argv: SP_USB, stdout: text }, NO_EXTERNAL_DISKS]);
    expect(facts.devices.map((d) => [d.name, d.serial])).toEqual([
      ["disk1", "0792181A2BDD"],
      ["disk2", "0792181A2BDD"],
    ]);
    expect(result.violations).toHaveLength(1);
  });

  it("passes the VirtualBox VM with only a tablet and a keyboard", async () => {
    const { facts, result } = await judge([usbTree("macos-virtualbox-vm-xml-no-storage.xml"), NO_EXTERNAL_DISKS]);
    expect(facts).toEqual({ devices: [], missingSources: [] });
    expect(result.status).toBe("pass");
  });

  it("on macOS 26 (SPUSBDataType empty) finds the stick through diskutil and takes its USB ids from SPUSBHostDataType (derived fixtures)", async () => {
    const { facts, result } = await judge([
      EMPTY_SP_USB,
      {
        argv: SP_USB_HOST,
        stdout: fixtureText("macos/system_profiler-usb/macos-apple-silicon-macbookpro-usbhost-json-flash-disk.derived.json"),
      },
      { argv: DISKUTIL_LIST, stdout: fixtureText("macos/diskutil/macos-external-list-flash-disk.derived.plist") },
      { argv: diskutilInfo("disk4"), stdout: fixtureText("macos/diskutil/macos-2017-info-usb-flash-disk.derived.plist") },
    ]);
    expect(facts).toEqual({
      devices: [
        {
          name: "disk4",
          model: "Flash Disk",
          vendor: "USB",
          vendorId: "058f",
          productId: "6387",
          serial: "59402D7A",
          sizeBytes: 4009754624,
          mountpoints: ["/Volumes/UNTITLED"],
          source: "diskutil + system_profiler SPUSBHostDataType",
          mediaPresent: true,
        },
      ],
      missingSources: [],
    });
    expect(result.status).toBe("fail");
    // IT's exception for this very stick turns it into a pass.
    const excepted = UsbStoragePolicy.parse({ exceptions: [{ vendorId: "058f", productId: "6387" }] });
    expect(evaluateUsbStorage(facts, excepted).status).toBe("pass");
  });

  it("on macOS 26 with only a serial adapter and hubs (real SPUSBHostDataType text) and no external disk, passes", async () => {
    const { facts, result } = await judge([
      EMPTY_SP_USB,
      {
        argv: SP_USB_HOST,
        stdout: fixtureText("macos/system_profiler-usb/macos-apple-silicon-macbookpro-usbhost-text-serial-adapter-no-storage.txt"),
      },
      NO_EXTERNAL_DISKS,
    ]);
    expect(facts).toEqual({ devices: [], missingSources: [] });
    expect(result.status).toBe("pass");
  });

  it("still reports a USB disk diskutil sees when no USB device name matches it, without ids", async () => {
    const { facts } = await judge([
      EMPTY_SP_USB,
      {
        argv: SP_USB_HOST,
        stdout: fixtureText("macos/system_profiler-usb/macos-apple-silicon-macbookpro-usbhost-text-serial-adapter-no-storage.txt"),
      },
      { argv: DISKUTIL_LIST, stdout: fixtureText("macos/diskutil/macos-external-list-flash-disk.derived.plist") },
      { argv: diskutilInfo("disk4"), stdout: fixtureText("macos/diskutil/macos-2017-info-usb-flash-disk.derived.plist") },
    ]);
    expect(facts.devices).toEqual([
      {
        name: "disk4",
        model: "Flash Disk",
        sizeBytes: 4009754624,
        mountpoints: ["/Volumes/UNTITLED"],
        source: "diskutil",
        mediaPresent: true,
      },
    ]);
  });

  it("names what it could not read, and cannot tell at all when nothing could be read", async () => {
    const { facts, result } = await judge([usbTree("macos-virtualbox-vm-xml-no-storage.xml")]);
    expect(facts.missingSources).toEqual(["diskutil list -plist external: not recorded"]);
    expect(result).toMatchObject({ status: "pass", reason: "not available here: diskutil list -plist external: not recorded" });
    await expect(collectReadingDeclared(collectUsbStorageDarwin, fakeRunner("darwin", []))).rejects.toThrow(
      /neither system_profiler nor diskutil/,
    );
  });

  it("becomes unknown rather than guess when system_profiler's output is cut off", async () => {
    const cut = fixtureText("macos/system_profiler-usb/macos-apple-silicon-t6000-alcor-flash-disk-mbr-mounted.json").slice(0, 2000);
    await expect(
      collectReadingDeclared(collectUsbStorageDarwin, fakeRunner("darwin", [{ argv: SP_USB, stdout: cut }, NO_EXTERNAL_DISKS])),
    ).rejects.toThrow(/cannot parse system_profiler -json SPUSBDataType/);
  });

  it("reads only the sources it declares, {disk} filled with the disk diskutil is asked about", async () => {
    const recorder = new ReadRecorder(
      fakeRunner("darwin", [
        EMPTY_SP_USB,
        {
          argv: SP_USB_HOST,
          stdout: fixtureText("macos/system_profiler-usb/macos-apple-silicon-macbookpro-usbhost-json-flash-disk.derived.json"),
        },
        { argv: DISKUTIL_LIST, stdout: fixtureText("macos/diskutil/macos-external-list-flash-disk.derived.plist") },
        { argv: diskutilInfo("disk4"), stdout: fixtureText("macos/diskutil/macos-2017-info-usb-flash-disk.derived.plist") },
      ]),
    );
    await collectUsbStorageDarwin.collect(recorder);
    expect(undeclaredReads(collectUsbStorageDarwin.sources, recorder.reads)).toEqual([]);
    expect(recorder.reads).toContainEqual({ kind: "command", argv: diskutilInfo("disk4") });
  });

  it("lists in sources exactly the argv it runs", () => {
    expect(collectUsbStorageDarwin.sources.map((s) => (s.kind === "command" ? s.argv.join(" ") : s.path))).toEqual([
      SP_USB.join(" "),
      SP_USB_HOST.join(" "),
      DISKUTIL_LIST.join(" "),
      "diskutil info -plist {disk}",
    ]);
  });
});
