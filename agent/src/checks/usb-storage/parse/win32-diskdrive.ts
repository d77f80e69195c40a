// `Get-CimInstance Win32_DiskDrive | Select-Object … | ConvertTo-Json` (or Format-List): disks with interface type and PnP id.
import { ParseError } from "../../../runner/parse-error.js";
import { parsePsObjects } from "../../../platform/win32/ps-objects.js";
import { psBoolean, psInteger, psString } from "../../../platform/win32/ps-json.js";

export interface Win32DiskDriveRow {
  /** The N of \\.\PHYSICALDRIVEN (same as Get-Disk's Number). */
  index?: number;
  deviceId?: string;
  model?: string;
  caption?: string;
  /** "USB", "SCSI", "IDE", "1394", "HDC" (SCSI covers SATA, NVMe and UASP disks). */
  interfaceType?: string;
  /** e.g. `USBSTOR\DISK&VEN_SANDISK&PROD_CRUZER_BLADE&REV_1.00\4C530001230514117424&0`. */
  pnpDeviceId?: string;
  serialNumber?: string;
  sizeBytes?: number;
  mediaType?: string;
  /** MediaLoaded: false for a card reader or drive with nothing in it. */
  mediaLoaded?: boolean;
}

/** Every Windows machine has a system disk, so an empty answer is a broken output, not "no disks". */
export function parseWin32DiskDrive(text: string, source: string): Win32DiskDriveRow[] {
  const items = parsePsObjects(text, source);
  if (items.length === 0) throw new ParseError(source, "no disk listed (a Windows machine always has its system disk)");
  return items.map((item, i) => {
    const row: Win32DiskDriveRow = {};
    const strings = {
      deviceId: psString(item, "DeviceID"),
      model: psString(item, "Model"),
      caption: psString(item, "Caption"),
      interfaceType: psString(item, "InterfaceType"),
      pnpDeviceId: psString(item, "PNPDeviceID"),
      serialNumber: psString(item, "SerialNumber"),
      mediaType: psString(item, "MediaType"),
    };
    if (strings.interfaceType === undefined && strings.pnpDeviceId === undefined) {
      throw new ParseError(source, `disk ${i}: neither InterfaceType nor PNPDeviceID`);
    }
    for (const [name, value] of Object.entries(strings)) if (value !== undefined) (row as Record<string, unknown>)[name] = value;
    const index = psInteger(item, "Index", source) ?? indexFromDeviceId(strings.deviceId);
    const size = psInteger(item, "Size", source);
    if (index !== undefined) row.index = index;
    if (size !== undefined) row.sizeBytes = size;
    const mediaLoaded = psBoolean(item, "MediaLoaded");
    if (mediaLoaded !== undefined) row.mediaLoaded = mediaLoaded;
    return row;
  });
}

function indexFromDeviceId(deviceId: string | undefined): number | undefined {
  const m = deviceId === undefined ? null : /PHYSICALDRIVE(\d+)$/i.exec(deviceId);
  return m === null ? undefined : Number(m[1]);
}
