// `diskutil list [-plist] [filters]`: whole disks with their partitions, APFS volumes and mount points.
import { ParseError } from "../../../runner/parse-error.js";
import { expectDict, looksLikeXml, parseXmlPlist } from "../../../platform/darwin/plist.js";
import { plistBoolean, plistDicts, plistNumber, plistString, type PlistDict } from "../../../platform/darwin/plist-value.js";

export interface DiskutilVolume {
  id: string;
  name?: string;
  content?: string;
  sizeText?: string;
  sizeBytes?: number;
  mountPoint?: string;
}

export interface DiskutilWholeDisk {
  id: string;
  /** Partition scheme or container type: GUID_partition_scheme, FDisk_partition_scheme, Apple_APFS_Container, … */
  content?: string;
  sizeBytes?: number;
  /** From the text header "(internal, physical)"; the plist form has no such flag (ask `diskutil info`). */
  internal?: boolean;
  physical?: boolean;
  /** Set on APFS containers macOS uses for itself (iSC, recovery). */
  osInternal?: boolean;
  /** A file system on the whole disk, without partitions. */
  mountPoint?: string;
  partitions: DiskutilVolume[];
  /** APFS volumes of a synthesized container disk. */
  apfsVolumes: DiskutilVolume[];
  /** The partitions a synthesized APFS container lives on (e.g. disk4s2): empty for a physical disk. */
  apfsPhysicalStores: string[];
}

export function parseDiskutilList(text: string, source: string): DiskutilWholeDisk[] {
  return looksLikeXml(text) ? fromPlist(text, source) : fromText(text, source);
}

function fromPlist(text: string, source: string): DiskutilWholeDisk[] {
  const doc = expectDict(parseXmlPlist(text, source), source);
  if (!Array.isArray(doc.AllDisksAndPartitions)) throw new ParseError(source, "expected an AllDisksAndPartitions array");
  return plistDicts(doc, "AllDisksAndPartitions").map((d) => {
    const id = plistString(d, "DeviceIdentifier");
    if (id === undefined) throw new ParseError(source, "a disk without DeviceIdentifier");
    const disk: DiskutilWholeDisk = {
      id,
      partitions: plistDicts(d, "Partitions").map((p) => volume(p, source)),
      apfsVolumes: plistDicts(d, "APFSVolumes").map((p) => volume(p, source)),
      apfsPhysicalStores: plistDicts(d, "APFSPhysicalStores").flatMap((s) => plistString(s, "DeviceIdentifier") ?? []),
    };
    set(disk, "content", plistString(d, "Content"));
    set(disk, "sizeBytes", plistNumber(d, "Size"));
    set(disk, "osInternal", plistBoolean(d, "OSInternal"));
    set(disk, "mountPoint", plistString(d, "MountPoint"));
    return disk;
  });
}

function volume(d: PlistDict, source: string): DiskutilVolume {
  const id = plistString(d, "DeviceIdentifier");
  if (id === undefined) throw new ParseError(source, "a partition or volume without DeviceIdentifier");
  const v: DiskutilVolume = { id };
  set(v, "name", plistString(d, "VolumeName"));
  set(v, "content", plistString(d, "Content"));
  set(v, "sizeBytes", plistNumber(d, "Size"));
  set(v, "mountPoint", plistString(d, "MountPoint"));
  return v;
}

/**
 * The text form: a `/dev/diskN (internal, physical):` header per disk, then a table whose TYPE column
 * is right-aligned and NAME left-aligned, so the header's column positions split a row.
 */
function fromText(text: string, source: string): DiskutilWholeDisk[] {
  const disks: DiskutilWholeDisk[] = [];
  let columns: { typeEnd: number; nameStart: number } | undefined;
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const header = /^\/dev\/(disk\d+)(?: \(([^)]*)\))?:\s*$/.exec(line);
    if (header !== null) {
      const flags = (header[2] ?? "").split(",").map((f) => f.trim());
      const disk: DiskutilWholeDisk = { id: header[1] as string, partitions: [], apfsVolumes: [], apfsPhysicalStores: [] };
      if (flags.includes("internal")) disk.internal = true;
      if (flags.includes("external")) disk.internal = false;
      if (flags.includes("physical")) disk.physical = true;
      if (flags.includes("virtual") || flags.includes("synthesized") || flags.includes("disk image")) disk.physical = false;
      disks.push(disk);
      columns = undefined;
      continue;
    }
    const disk = disks[disks.length - 1];
    if (disk === undefined) throw new ParseError(source, `line ${index + 1}: expected a "/dev/diskN (…):" header first`);
    if (/^\s*#:\s+TYPE\s+NAME\s+SIZE\s+IDENTIFIER\s*$/.test(line)) {
      columns = { typeEnd: line.indexOf("TYPE") + "TYPE".length, nameStart: line.indexOf("NAME") };
      continue;
    }
    const store = /^\s*Physical Stores?\s+(.+)$/.exec(line);
    if (store !== null) {
      disk.apfsPhysicalStores.push(
        ...(store[1] as string)
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== ""),
      );
      continue;
    }
    const row = /^\s*(\d+):.*?\s([*+]?[\d.,]+\s*[KMGTP]?B|-)\s+(disk\d+(?:s\d+)*)\s*$/.exec(line);
    if (row === null || columns === undefined)
      throw new ParseError(source, `line ${index + 1}: expected a partition row, got ${JSON.stringify(line.slice(0, 80))}`);
    const sizeAt = line.lastIndexOf(row[2] as string, line.lastIndexOf(row[3] as string));
    const type = line.slice(line.indexOf(":") + 1, columns.typeEnd).trim();
    const name = line.slice(columns.nameStart, sizeAt).trim();
    const id = row[3] as string;
    const entry: DiskutilVolume = { id, sizeText: (row[2] as string).replace(/^[*+]/, "") };
    set(entry, "content", type === "" ? undefined : type);
    set(entry, "name", name === "" ? undefined : name);
    if (row[1] === "0" && id === disk.id) set(disk, "content", entry.content);
    else if (disk.physical === false && /^APFS Volume/.test(type)) disk.apfsVolumes.push(entry);
    else disk.partitions.push(entry);
  }
  return disks;
}

function set<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
