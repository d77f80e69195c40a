// usb-storage facts on win32: which PowerShell queries (Get-Disk and Win32_DiskDrive; drive letters and USB ids once a USB disk is found) and which parser reads each.
import { readCommand, valueOr } from "../../runner/read-source.js";
import { SourceUnavailableError, type CommandRunner } from "../../runner/runner.js";
import type { Collector, SourceSpec } from "../types.js";
import type { UsbFacts } from "./facts.js";
import { parseGetDisk } from "./parse/get-disk.js";
import { parseGetPartition } from "./parse/ps-get-partition.js";
import { parseWin32DiskDrive } from "./parse/win32-diskdrive.js";
import { parseUsbStorageFunctions } from "./parse/win32-pnpentity.js";
import { usbDisksFromWin32, type Win32DiskSources } from "./merge.win32.js";

/** UTF-8 out whatever the console code page, so that names with accents survive; ConvertTo-Json for one format to read. */
const UTF8 = "[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false); ";

function powershell(script: string): readonly string[] {
  return ["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", `${UTF8}${script} | ConvertTo-Json -Depth 4 -Compress`];
}

export const WIN32_GET_DISK = powershell(
  "Get-Disk | Select-Object Number,FriendlyName,Manufacturer,Model,SerialNumber,BusType,Size,Path,UniqueId,IsBoot,IsSystem",
);
export const WIN32_DISK_DRIVE = powershell(
  "Get-CimInstance -ClassName Win32_DiskDrive | Select-Object Index,DeviceID,Model,Caption,InterfaceType,PNPDeviceID,SerialNumber,Size,MediaType,MediaLoaded",
);
export const WIN32_PARTITIONS = powershell("Get-Partition | Select-Object DiskNumber,PartitionNumber,DriveLetter,AccessPaths");
export const WIN32_USB_STORAGE_FUNCTIONS = powershell(
  "Get-CimInstance -ClassName Win32_PnPEntity | Where-Object { $_.Service -eq 'USBSTOR' -or $_.Service -eq 'UASPStor' } | Select-Object PNPDeviceID,Name,Service",
);

const sources: readonly SourceSpec[] = [
  { kind: "command", argv: WIN32_GET_DISK, what: "disks and their bus type (BusType 7 = USB); Windows 8 and later", optional: false },
  {
    kind: "command",
    argv: WIN32_DISK_DRIVE,
    what: "disks with InterfaceType and USBSTOR PnP id (vendor, product, serial)",
    optional: false,
  },
  { kind: "command", argv: WIN32_PARTITIONS, what: "drive letters and mount folders per disk", optional: true },
  { kind: "command", argv: WIN32_USB_STORAGE_FUNCTIONS, what: "USB vendor and product ids of mass-storage devices", optional: true },
];

export const collectUsbStorageWin32: Collector<UsbFacts> = {
  sources,
  async collect(runner: CommandRunner): Promise<UsbFacts> {
    const missingSources: string[] = [];
    const disks = await readCommand(runner, [WIN32_GET_DISK], parseGetDisk, { label: "Get-Disk" });
    const drives = await readCommand(runner, [WIN32_DISK_DRIVE], parseWin32DiskDrive, { label: "Win32_DiskDrive" });
    for (const read of [disks, drives]) if (!read.ok) missingSources.push(read.description);
    if (!disks.ok && !drives.ok) {
      throw new SourceUnavailableError("Get-Disk and Win32_DiskDrive", `neither disk list could be read: ${missingSources.join("; ")}`);
    }
    const found: Win32DiskSources = { ...(disks.ok ? { disks: disks.value } : {}), ...(drives.ok ? { drives: drives.value } : {}) };
    const devices = usbDisksFromWin32(found);
    if (devices.length === 0) return { devices, missingSources };
    // Drive letters and USB ids only describe a USB disk already found: without them (or with garbage) the verdict is the same.
    const partitions = valueOr(
      await readCommand(runner, [WIN32_PARTITIONS], parseGetPartition, { label: "Get-Partition", parseErrors: "unread" }),
    );
    const usbFunctions = valueOr(
      await readCommand(runner, [WIN32_USB_STORAGE_FUNCTIONS], parseUsbStorageFunctions, {
        label: "Win32_PnPEntity",
        parseErrors: "unread",
      }),
    );
    return {
      devices: usbDisksFromWin32({
        ...found,
        ...(partitions === undefined ? {} : { partitions }),
        ...(usbFunctions === undefined ? {} : { usbFunctions }),
      }),
      missingSources,
    };
  },
};
