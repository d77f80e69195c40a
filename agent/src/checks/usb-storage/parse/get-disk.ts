// `Get-Disk | Select-Object … | ConvertTo-Json` (or Format-List of `Select *`): every disk with its bus type.
import { ParseError } from "../../../runner/parse-error.js";
import { parsePsObjects } from "../../../platform/win32/ps-objects.js";
import { psBoolean, psInteger, psString, type PsObject } from "../../../platform/win32/ps-json.js";

export interface GetDiskRow {
  /** Disk number: the N of \\.\PHYSICALDRIVEN. */
  number?: number;
  friendlyName?: string;
  manufacturer?: string;
  model?: string;
  serialNumber?: string;
  /** STORAGE_BUS_TYPE by name: "USB", "SATA", "NVMe", "SAS", … */
  busType: string;
  sizeBytes?: number;
  /** Device path, e.g. `\\?\usbstor#disk&ven_…#serial&0#{…}`. */
  path?: string;
  uniqueId?: string;
  isBoot?: boolean;
  isSystem?: boolean;
}

/**
 * MSFT_Disk.BusType (STORAGE_BUS_TYPE). Format-List prints the name, ConvertTo-Json the number:
 * both are read. https://learn.microsoft.com/windows-hardware/drivers/storage/msft-disk
 */
const BUS_TYPES: readonly string[] = [
  "Unknown",
  "SCSI",
  "ATAPI",
  "ATA",
  "1394",
  "SSA",
  "Fibre Channel",
  "USB",
  "RAID",
  "iSCSI",
  "SAS",
  "SATA",
  "SD",
  "MMC",
  "Virtual",
  "File Backed Virtual",
  "Storage Spaces",
  "NVMe",
  "SCM",
  "UFS",
];

export function busTypeName(value: string | number): string {
  const n = typeof value === "number" ? value : /^\d+$/.test(value.trim()) ? Number(value) : undefined;
  if (n === undefined) return String(value).trim();
  return BUS_TYPES[n] ?? `bus type ${n}`;
}

/** Every Windows machine has a system disk, so an empty answer is a broken output, not "no disks". */
export function parseGetDisk(text: string, source: string): GetDiskRow[] {
  const items = parsePsObjects(text, source);
  if (items.length === 0) throw new ParseError(source, "no disk listed (a Windows machine always has its system disk)");
  return items.map((item, i) => toRow(item, source, i));
}

function toRow(item: PsObject, source: string, index: number): GetDiskRow {
  const bus = item.BusType ?? item.busType ?? item.bustype;
  if (typeof bus !== "string" && typeof bus !== "number") throw new ParseError(source, `disk ${index}: no BusType`);
  const row: GetDiskRow = { busType: busTypeName(bus) };
  const number = psInteger(item, "Number", source) ?? psInteger(item, "DiskNumber", source);
  const size = psInteger(item, "Size", source);
  const strings = {
    friendlyName: psString(item, "FriendlyName"),
    manufacturer: psString(item, "Manufacturer"),
    model: psString(item, "Model"),
    serialNumber: psString(item, "SerialNumber"),
    path: psString(item, "Path"),
    uniqueId: psString(item, "UniqueId"),
  };
  if (number !== undefined) row.number = number;
  if (size !== undefined) row.sizeBytes = size;
  for (const [name, value] of Object.entries(strings)) if (value !== undefined) (row as unknown as Record<string, unknown>)[name] = value;
  const isBoot = psBoolean(item, "IsBoot");
  const isSystem = psBoolean(item, "IsSystem");
  if (isBoot !== undefined) row.isBoot = isBoot;
  if (isSystem !== undefined) row.isSystem = isSystem;
  return row;
}
