// Joins what Get-Disk, Win32_DiskDrive, Get-Partition and the USB PnP nodes say into one entry per USB disk.
import { parseDiskInstanceId, type DiskInstanceId } from "../../platform/win32/pnp-id.js";
import type { UsbStorageDevice } from "./facts.js";
import type { GetDiskRow } from "./parse/get-disk.js";
import type { PartitionMount } from "./parse/ps-get-partition.js";
import type { Win32DiskDriveRow } from "./parse/win32-diskdrive.js";
import type { UsbStorageFunction } from "./parse/win32-pnpentity.js";

export interface Win32DiskSources {
  disks?: readonly GetDiskRow[];
  drives?: readonly Win32DiskDriveRow[];
  partitions?: readonly PartitionMount[];
  usbFunctions?: readonly UsbStorageFunction[];
}

interface Candidate {
  number?: number;
  disk?: GetDiskRow;
  drive?: Win32DiskDriveRow;
}

/**
 * A disk is USB when Get-Disk says BusType USB (this also covers UASP sticks, which
 * Win32_DiskDrive calls SCSI) or Win32_DiskDrive says InterfaceType USB / a USBSTOR PnP id. The
 * two views of one disk meet on its number (Get-Disk Number = Win32_DiskDrive Index).
 */
export function usbDisksFromWin32(sources: Win32DiskSources): UsbStorageDevice[] {
  const candidates: Candidate[] = [];
  const byNumber = new Map<number, Candidate>();
  const add = (number: number | undefined): Candidate => {
    const known = number === undefined ? undefined : byNumber.get(number);
    if (known !== undefined) return known;
    const created: Candidate = number === undefined ? {} : { number };
    candidates.push(created);
    if (number !== undefined) byNumber.set(number, created);
    return created;
  };
  for (const disk of sources.disks ?? []) if (disk.busType.toUpperCase() === "USB") add(disk.number).disk = disk;
  for (const drive of sources.drives ?? []) {
    const isUsb = drive.interfaceType?.toUpperCase() === "USB" || drive.pnpDeviceId?.toUpperCase().startsWith("USBSTOR\\") === true;
    const known = drive.index === undefined ? undefined : byNumber.get(drive.index);
    if (isUsb || known !== undefined) add(drive.index).drive = drive;
  }
  return candidates.map((c) => toDevice(c, sources));
}

function toDevice(c: Candidate, sources: Win32DiskSources): UsbStorageDevice {
  const ids = [c.drive?.pnpDeviceId, c.disk?.uniqueId, c.disk?.path]
    .map((id) => (id === undefined ? undefined : parseDiskInstanceId(id)))
    .filter((id): id is DiskInstanceId => id !== undefined);
  // PNPDeviceID and UniqueId keep the serial's own case; Get-Disk's Path lower-cases it, so it comes last.
  const serial = ids.find((id) => id.serial !== undefined)?.serial ?? c.disk?.serialNumber ?? c.drive?.serialNumber;
  const instance = ids[0];
  const usb = serial === undefined ? undefined : sources.usbFunctions?.find((f) => f.serial?.toLowerCase() === serial.toLowerCase());
  const number = c.number;
  const device: UsbStorageDevice = {
    name: c.drive?.deviceId ?? (number === undefined ? (c.disk?.friendlyName ?? "USB disk") : `\\\\.\\PHYSICALDRIVE${number}`),
    mountpoints:
      number === undefined ? [] : (sources.partitions ?? []).filter((p) => p.diskNumber === number).flatMap((p) => p.mountpoints),
    source: [c.disk === undefined ? undefined : "Get-Disk", c.drive === undefined ? undefined : "Win32_DiskDrive"]
      .filter((s) => s !== undefined)
      .join(", "),
  };
  const vendor = c.disk?.manufacturer ?? instance?.vendor;
  const model = c.disk?.model ?? c.disk?.friendlyName ?? stripUsbDevice(c.drive?.model) ?? instance?.product;
  const size = c.disk?.sizeBytes ?? c.drive?.sizeBytes;
  if (serial !== undefined) device.serial = serial.trim();
  if (vendor !== undefined && vendor !== "") device.vendor = vendor;
  if (model !== undefined && model !== "") device.model = model;
  if (size !== undefined) device.sizeBytes = size;
  const mediaPresent = c.drive?.mediaLoaded ?? (size !== undefined && size > 0 ? true : device.mountpoints.length > 0 ? true : undefined);
  if (mediaPresent !== undefined) device.mediaPresent = mediaPresent;
  if (usb !== undefined) {
    device.vendorId = usb.vendorId;
    device.productId = usb.productId;
  }
  return device;
}

/** Win32_DiskDrive names a USB disk "SanDisk Cruzer Blade USB Device". */
function stripUsbDevice(model: string | undefined): string | undefined {
  return model?.replace(/\s+USB Device$/i, "").trim();
}
