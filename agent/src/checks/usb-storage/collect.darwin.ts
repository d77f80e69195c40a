// usb-storage facts on macOS: which commands, in what order (system_profiler's USB tree, then diskutil for what it misses), and which parser reads each.
import { readCommand, type SourceRead } from "../../runner/read-source.js";
import { SourceUnavailableError } from "../../runner/runner.js";
import { fillArgv, type Collector, type SourceSpec } from "../types.js";
import type { UsbFacts } from "./facts.js";
import { darwinUsbStorage, disksToIdentify } from "./merge.darwin.js";
import { parseDiskutilInfo, type DiskutilInfo } from "./parse/diskutil-info.js";
import { parseDiskutilList } from "./parse/diskutil-list.js";
import { parseSystemProfilerUsb } from "./parse/system-profiler-usb.js";

const SP_USB = ["system_profiler", "-json", "SPUSBDataType"];
/** macOS 26 answers SPUSBDataType with `[]` and lists devices here instead, without their disks. */
const SP_USB_HOST = ["system_profiler", "-json", "SPUSBHostDataType"];
const DISKUTIL_LIST = ["diskutil", "list", "-plist", "external"];
const DISKUTIL_INFO = ["diskutil", "info", "-plist", "{disk}"];
const TIMEOUT_MS = 60_000;

const SOURCES: readonly SourceSpec[] = [
  {
    kind: "command",
    argv: SP_USB,
    what: "the USB device tree with each mass-storage device's disks and mounted volumes (empty on macOS 26+)",
    optional: true,
  },
  {
    kind: "command",
    argv: SP_USB_HOST,
    what: "the USB device tree on macOS 26+ (no disks in it); read only when SPUSBDataType lists no bus",
    optional: true,
  },
  { kind: "command", argv: DISKUTIL_LIST, what: "external disks with their partitions, APFS volumes and mount points", optional: true },
  {
    kind: "command",
    argv: DISKUTIL_INFO,
    what: "the bus of each external whole disk no USB device above claims ({disk}: its identifier, e.g. disk4)",
    optional: true,
  },
];

export const collectUsbStorageDarwin: Collector<UsbFacts> = {
  sources: SOURCES,
  async collect(runner) {
    const missing: string[] = [];
    const noted = <T>(read: SourceRead<T>): T | undefined => {
      if (read.ok) return read.value;
      missing.push(read.description);
      return undefined;
    };
    let usbTree = noted(await readCommand(runner, [SP_USB], parseSystemProfilerUsb, { timeoutMs: TIMEOUT_MS }));
    if (usbTree === undefined || usbTree.buses === 0)
      usbTree = noted(await readCommand(runner, [SP_USB_HOST], parseSystemProfilerUsb, { timeoutMs: TIMEOUT_MS })) ?? usbTree;
    const externalDisks = noted(await readCommand(runner, [DISKUTIL_LIST], parseDiskutilList, { timeoutMs: TIMEOUT_MS }));
    if (usbTree === undefined && externalDisks === undefined) {
      throw new SourceUnavailableError(
        "usb-storage on macOS",
        `neither system_profiler nor diskutil could be read (${missing.join("; ")})`,
      );
    }
    const diskInfo: DiskutilInfo[] = [];
    for (const disk of disksToIdentify({ usbTree, externalDisks })) {
      const info = noted(
        await readCommand(runner, [fillArgv(DISKUTIL_INFO, { disk })], parseDiskutilInfo, { timeoutMs: TIMEOUT_MS, parseErrors: "unread" }),
      );
      if (info !== undefined) diskInfo.push(info);
    }
    return { devices: darwinUsbStorage({ usbTree, externalDisks, diskInfo }), missingSources: missing };
  },
};
