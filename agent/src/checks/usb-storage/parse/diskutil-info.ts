// `diskutil info [-plist] DISK`: what bus a disk hangs on, whether it is internal, its name and size.
import { ParseError } from "../../../runner/parse-error.js";
import { expectDict, looksLikeXml, parseXmlPlist } from "../../../platform/darwin/plist.js";
import { plistBoolean, plistNumber, plistString } from "../../../platform/darwin/plist-value.js";

export interface DiskutilInfo {
  id: string;
  /** "USB", "PCI-Express", "Apple Fabric", "SATA", "Secure Digital", "Disk Image", "Thunderbolt", … */
  busProtocol?: string;
  /** Device Location: Internal (true) / External (false). */
  internal?: boolean;
  wholeDisk?: boolean;
  virtual?: boolean;
  /**
   * "Removable Media". A USB stick can say Fixed here (it reports a non-removable medium in a
   * removable device): never decide removability from it.
   */
  removableMedia?: boolean;
  mediaName?: string;
  /** The IORegistry name, e.g. "USB SanDisk 3.2Gen1 Media": often the vendor and model the USB tree shows. */
  ioRegistryName?: string;
  sizeBytes?: number;
  mountPoint?: string;
}

export function parseDiskutilInfo(text: string, source: string): DiskutilInfo {
  return looksLikeXml(text) ? fromPlist(text, source) : fromText(text, source);
}

function fromPlist(text: string, source: string): DiskutilInfo {
  const d = expectDict(parseXmlPlist(text, source), source);
  const id = plistString(d, "DeviceIdentifier");
  if (id === undefined) throw new ParseError(source, plistString(d, "ErrorMessage") ?? "no DeviceIdentifier");
  const info: DiskutilInfo = { id };
  set(info, "busProtocol", plistString(d, "BusProtocol"));
  set(info, "internal", plistBoolean(d, "Internal"));
  set(info, "wholeDisk", plistBoolean(d, "WholeDisk"));
  const kind = plistString(d, "VirtualOrPhysical");
  if (kind !== undefined && /^(virtual|physical)$/i.test(kind)) info.virtual = /^virtual$/i.test(kind);
  set(info, "removableMedia", plistBoolean(d, "RemovableMedia") ?? plistBoolean(d, "Removable"));
  set(info, "mediaName", plistString(d, "MediaName"));
  set(info, "ioRegistryName", plistString(d, "IORegistryEntryName"));
  set(info, "sizeBytes", plistNumber(d, "Size") ?? plistNumber(d, "TotalSize") ?? plistNumber(d, "IOKitSize"));
  set(info, "mountPoint", plistString(d, "MountPoint"));
  return info;
}

/** Three-space indented `Key:   value` lines in blank-line groups. */
function fromText(text: string, source: string): DiskutilInfo {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^\s*([^:]+?):\s+(.*?)\s*$/.exec(line);
    if (match !== null && !fields.has(match[1] as string)) fields.set(match[1] as string, match[2] as string);
  }
  const id = fields.get("Device Identifier");
  if (id === undefined || !/^disk\d+(s\d+)*$/.test(id)) {
    const said =
      text
        .split("\n")
        .find((l) => l.trim() !== "")
        ?.trim() ?? "no output";
    throw new ParseError(source, `expected "Device Identifier: diskN", got ${JSON.stringify(said.slice(0, 80))}`);
  }
  const info: DiskutilInfo = { id };
  set(info, "busProtocol", fields.get("Protocol"));
  const location = fields.get("Device Location");
  if (location !== undefined && /^(internal|external)$/i.test(location)) info.internal = /^internal$/i.test(location);
  set(info, "wholeDisk", yesNo(fields.get("Whole")));
  set(info, "virtual", yesNo(fields.get("Virtual")));
  const removable = fields.get("Removable Media");
  if (removable !== undefined && /^(fixed|removable)$/i.test(removable)) info.removableMedia = /^removable$/i.test(removable);
  set(info, "mediaName", fields.get("Device / Media Name"));
  const bytes = /\((\d+) Bytes\)/.exec(fields.get("Disk Size") ?? fields.get("Total Size") ?? "");
  if (bytes !== null) info.sizeBytes = Number(bytes[1]);
  const mountPoint = fields.get("Mount Point");
  if (mountPoint !== undefined && mountPoint.startsWith("/")) info.mountPoint = mountPoint;
  return info;
}

function yesNo(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  if (/^yes\b/i.test(raw)) return true;
  if (/^no\b/i.test(raw)) return false;
  return undefined;
}

function set<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
