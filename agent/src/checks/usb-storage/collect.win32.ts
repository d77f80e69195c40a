// usb-storage facts on win32: USB disks from Get-Disk and Win32_DiskDrive, their drive letters and USB ids.
import { SourceUnavailableError, runOptional, type CommandRunner } from "../../runner/runner.js";
import { ParseError } from "../../runner/parse-error.js";
import { decodeWindowsOutput, firstLine } from "../../platform/win32/windows-text.js";
import type { Collector, SourceSpec } from "../types.js";
import type { UsbFacts } from "./facts.js";
import { parseGetDisk } from "./parse/get-disk.js";
import { parseGetPartition } from "./parse/ps-get-partition.js";
import { parseWin32DiskDrive } from "./parse/win32-diskdrive.js";
import { parseUsbStorageFunctions } from "./parse/win32-pnpentity.js";
import { usbDisksFromWin32, type Win32DiskSources } from "./parse/win32-usb-disks.js";

/** UTF-8 out whatever the console code page, so that names with accents survive; ConvertTo-Json for one format to read. */
const UTF8 = "[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false); ";

function powershell(script: string): readonly string[] {
  return ["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", `${UTF8}${script} | ConvertTo-Json -Depth 4 -Compress`];
}

export const WIN32_GET_DISK = powershell("Get-Disk | Select-Object Number,FriendlyName,Manufacturer,Model,SerialNumber,BusType,Size,Path,UniqueId,IsBoot,IsSystem");
export const WIN32_DISK_DRIVE = powershell("Get-CimInstance -ClassName Win32_DiskDrive | Select-Object Index,DeviceID,Model,Caption,InterfaceType,PNPDeviceID,SerialNumber,Size,MediaType,MediaLoaded");
export const WIN32_PARTITIONS = powershell("Get-Partition | Select-Object DiskNumber,PartitionNumber,DriveLetter,AccessPaths");
export const WIN32_USB_STORAGE_FUNCTIONS = powershell(
  "Get-CimInstance -ClassName Win32_PnPEntity | Where-Object { $_.Service -eq 'USBSTOR' -or $_.Service -eq 'UASPStor' } | Select-Object PNPDeviceID,Name,Service",
);

const sources: readonly SourceSpec[] = [
  { kind: "command", argv: WIN32_GET_DISK, what: "disks and their bus type (BusType 7 = USB); Windows 8 and later", optional: false },
  { kind: "command", argv: WIN32_DISK_DRIVE, what: "disks with InterfaceType and USBSTOR PnP id (vendor, product, serial)", optional: false },
  { kind: "command", argv: WIN32_PARTITIONS, what: "drive letters and mount folders per disk", optional: true },
  { kind: "command", argv: WIN32_USB_STORAGE_FUNCTIONS, what: "USB vendor and product ids of mass-storage devices", optional: true },
];

export const collectUsbStorageWin32: Collector<UsbFacts> = {
  sources,
  async collect(runner: CommandRunner): Promise<UsbFacts> {
    const missingSources: string[] = [];
    const disks = await read(runner, WIN32_GET_DISK, "Get-Disk", parseGetDisk, missingSources);
    const drives = await read(runner, WIN32_DISK_DRIVE, "Win32_DiskDrive", parseWin32DiskDrive, missingSources);
    if (disks === undefined && drives === undefined) {
      throw new SourceUnavailableError("Get-Disk and Win32_DiskDrive", `neither disk list could be read: ${missingSources.join("; ")}`);
    }
    const found: Win32DiskSources = { ...(disks === undefined ? {} : { disks }), ...(drives === undefined ? {} : { drives }) };
    const devices = usbDisksFromWin32(found);
    if (devices.length === 0) return { devices, missingSources };
    // Drive letters and USB ids only describe a USB disk already found: without them the verdict is the same.
    const partitions = await enrichment(() => read(runner, WIN32_PARTITIONS, "Get-Partition", parseGetPartition, []));
    const usbFunctions = await enrichment(() => read(runner, WIN32_USB_STORAGE_FUNCTIONS, "Win32_PnPEntity", parseUsbStorageFunctions, []));
    return { devices: usbDisksFromWin32({ ...found, ...(partitions === undefined ? {} : { partitions }), ...(usbFunctions === undefined ? {} : { usbFunctions }) }), missingSources };
  },
};

/** Runs one PowerShell query; absent or failing, it is noted and answers undefined. Output that does not parse throws. */
async function read<T>(runner: CommandRunner, argv: readonly string[], label: string, parse: (text: string, source: string) => T, notes: string[]): Promise<T | undefined> {
  const out = await runOptional(runner, argv);
  if (out === undefined) {
    notes.push(`${label} (not available)`);
    return undefined;
  }
  if (out.exitCode !== 0) {
    notes.push(`${label} (${firstLine(decodeWindowsOutput(out.stderr)) || `exit code ${out.exitCode}`})`);
    return undefined;
  }
  return parse(decodeWindowsOutput(out.stdout), label);
}

async function enrichment<T>(load: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ParseError) return undefined;
    throw error;
  }
}
