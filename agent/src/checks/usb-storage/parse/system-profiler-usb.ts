// `system_profiler SPUSBDataType` / `SPUSBHostDataType` in any of its forms (-json, -xml, text): the USB device tree, flattened.
import { ParseError } from "../../../runner/parse-error.js";
import { looksLikeXml, parseXmlPlist } from "../../../platform/darwin/plist.js";
import {
  isPlistDict,
  plistDicts,
  plistNumber,
  plistString,
  type PlistDict,
  type PlistValue,
} from "../../../platform/darwin/plist-value.js";
import { parseSystemProfilerText, type SpTextNode } from "../../../platform/darwin/system-profiler-text.js";

export interface SpUsbVolume {
  name: string;
  bsdName?: string;
  /** Only when mounted. */
  mountPoint?: string;
}

export interface SpUsbDisk {
  bsdName: string;
  sizeBytes?: number;
  volumes: SpUsbVolume[];
}

export interface SpUsbDevice {
  name: string;
  /** 4 lowercase hex digits. */
  vendorId?: string;
  /** The name in `vendor_id`'s parentheses ("SanDisk Corporation"), or Apple for `apple_vendor_id`. */
  vendorName?: string;
  productId?: string;
  serial?: string;
  manufacturer?: string;
  locationId?: string;
  /** Part of the Mac (`Built-in_Device: Yes`, `Connection Type: Built-in`), not plugged in. */
  builtIn: boolean;
  /** The disks it carries (SPUSBDataType only; SPUSBHostDataType never shows media). */
  disks: SpUsbDisk[];
}

export interface SpUsbReport {
  dataType: "SPUSBDataType" | "SPUSBHostDataType";
  /** Host controllers listed; 0 is how macOS 26+ answers for SPUSBDataType (`[]`). */
  buses: number;
  devices: SpUsbDevice[];
}

const DATA_TYPES = ["SPUSBDataType", "SPUSBHostDataType"] as const;

/** Sniffs the form from the content: JSON, XML plist, or the indented text (empty text = no buses). */
export function parseSystemProfilerUsb(text: string, source: string): SpUsbReport {
  const trimmed = text.trim();
  if (trimmed === "")
    return { dataType: source.includes("SPUSBHostDataType") ? "SPUSBHostDataType" : "SPUSBDataType", buses: 0, devices: [] };
  if (trimmed.startsWith("{")) return fromJson(trimmed, source);
  if (looksLikeXml(trimmed)) return fromXml(trimmed, source);
  return fromText(text, source);
}

function fromJson(text: string, source: string): SpUsbReport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ParseError(source, `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isPlistDict(doc)) throw new ParseError(source, "expected a JSON object at the top level");
  const dataType = DATA_TYPES.find((t) => Object.hasOwn(doc, t));
  const buses = dataType === undefined ? undefined : doc[dataType];
  if (dataType === undefined || !Array.isArray(buses))
    throw new ParseError(
      source,
      `expected an "SPUSBDataType" or "SPUSBHostDataType" array, got keys ${Object.keys(doc).slice(0, 5).join(", ")}`,
    );
  return fromDictTree(dataType, buses);
}

function fromXml(text: string, source: string): SpUsbReport {
  const doc = parseXmlPlist(text, source);
  const reports = Array.isArray(doc) ? doc.filter(isPlistDict) : [];
  const report = reports.find((r) => DATA_TYPES.includes(plistString(r, "_dataType") as (typeof DATA_TYPES)[number]));
  if (report === undefined)
    throw new ParseError(source, "expected an array holding a dictionary whose _dataType is SPUSBDataType or SPUSBHostDataType");
  return fromDictTree(plistString(report, "_dataType") as SpUsbReport["dataType"], report._items ?? []);
}

function fromDictTree(dataType: SpUsbReport["dataType"], buses: PlistValue): SpUsbReport {
  const list = Array.isArray(buses) ? buses.filter(isPlistDict) : [];
  const devices: SpUsbDevice[] = [];
  const visit = (node: PlistDict): void => {
    const dict = normaliseKeys(node);
    if (isDeviceDict(dict)) devices.push(deviceFromDict(dict));
    for (const child of plistDicts(node, "_items")) visit(child);
  };
  // A bus is never a device, even when (old XML) it repeats its disk's bsd_name and volumes.
  for (const bus of list) for (const child of plistDicts(bus, "_items")) visit(child);
  return { dataType, buses: list.length, devices };
}

/** OS X 10.5-era XML sorts keys with one-letter prefixes: `a_product_id`, `b_vendor_id`, `d_serial_num`. */
function normaliseKeys(dict: PlistDict): PlistDict {
  const out: PlistDict = {};
  for (const [key, value] of Object.entries(dict)) {
    const plain = /^[a-z]_(?=[a-z])/.test(key) && !key.startsWith("_") ? key.slice(2) : key;
    if (!Object.hasOwn(out, plain)) Object.defineProperty(out, plain, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function isDeviceDict(dict: PlistDict): boolean {
  return ["vendor_id", "product_id", "USBDeviceKeyVendorID", "USBDeviceKeyProductID"].some((k) => Object.hasOwn(dict, k));
}

function deviceFromDict(dict: PlistDict): SpUsbDevice {
  const vendor = parseVendor(plistString(dict, "vendor_id") ?? plistString(dict, "USBDeviceKeyVendorID"));
  const device: SpUsbDevice = {
    name: plistString(dict, "_name") ?? "USB device",
    builtIn: isYes(plistString(dict, "Built-in_Device")) || /^built-?in$/i.test(plistString(dict, "USBKeyHardwareType") ?? ""),
    disks: disksFromDict(dict),
  };
  assign(device, "vendorId", vendor.id);
  assign(device, "vendorName", vendor.name);
  assign(device, "productId", hexId(plistString(dict, "product_id") ?? plistString(dict, "USBDeviceKeyProductID")));
  assign(device, "serial", serial(plistString(dict, "serial_num") ?? plistString(dict, "USBDeviceKeySerialNumber")));
  assign(device, "manufacturer", plistString(dict, "manufacturer") ?? plistString(dict, "USBDeviceKeyVendorName"));
  assign(device, "locationId", locationId(plistString(dict, "location_id") ?? plistString(dict, "USBKeyLocationID")));
  return device;
}

/** Modern output nests disks under `Media`; old XML puts `bsd_name` and `volumes` on the device itself. */
function disksFromDict(dict: PlistDict): SpUsbDisk[] {
  const media = plistDicts(dict, "Media");
  const holders = media.length > 0 ? media : plistString(dict, "bsd_name") !== undefined ? [dict] : [];
  return holders.flatMap((m) => {
    const bsdName = plistString(m, "bsd_name");
    if (bsdName === undefined) return [];
    const disk: SpUsbDisk = { bsdName, volumes: plistDicts(m, "volumes").map(volumeFromDict) };
    assign(disk, "sizeBytes", plistNumber(m, "size_in_bytes"));
    return [disk];
  });
}

function volumeFromDict(v: PlistDict): SpUsbVolume {
  const volume: SpUsbVolume = { name: plistString(v, "_name") ?? plistString(v, "bsd_name") ?? "" };
  assign(volume, "bsdName", plistString(v, "bsd_name"));
  assign(volume, "mountPoint", plistString(v, "mount_point"));
  return volume;
}

function fromText(text: string, source: string): SpUsbReport {
  const root = parseSystemProfilerText(text, source);
  // One top-level node ("USB:"), buses below it, devices below the buses.
  const top = root.children;
  if (top.length === 0) throw new ParseError(source, 'expected a "USB:" tree');
  const buses = top.flatMap((t) => t.children);
  const devices: SpUsbDevice[] = [];
  const visit = (node: SpTextNode): void => {
    if (isDeviceText(node)) devices.push(deviceFromText(node));
    for (const child of node.children) if (child.title !== "Volumes" && child.title !== "Media") visit(child);
  };
  for (const bus of buses) for (const child of bus.children) visit(child);
  // The two data types print different key names: "USB Vendor ID" and "Connection Type" are SPUSBHostDataType's.
  return {
    dataType: /^\s*(USB Vendor ID|Connection Type):/m.test(text) ? "SPUSBHostDataType" : "SPUSBDataType",
    buses: buses.length,
    devices,
  };
}

function isDeviceText(node: SpTextNode): boolean {
  return ["Vendor ID", "Product ID", "USB Vendor ID", "USB Product ID"].some((k) => k in node.props);
}

function deviceFromText(node: SpTextNode): SpUsbDevice {
  const p = node.props;
  const vendor = parseVendor(p["Vendor ID"] ?? p["USB Vendor ID"]);
  const device: SpUsbDevice = {
    name: node.title,
    builtIn: isYes(p["Built-In"] ?? p["Built-in"]) || /^built-?in$/i.test(p["Connection Type"] ?? ""),
    disks: disksFromText(node),
  };
  assign(device, "vendorId", vendor.id);
  assign(device, "vendorName", vendor.name);
  assign(device, "productId", hexId(p["Product ID"] ?? p["USB Product ID"]));
  assign(device, "serial", serial(p["Serial Number"]));
  assign(device, "manufacturer", nonEmpty(p.Manufacturer));
  assign(device, "locationId", locationId(p["Location ID"]));
  return device;
}

function disksFromText(device: SpTextNode): SpUsbDisk[] {
  const holders = [device, ...device.children.filter((c) => c.title === "Media").flatMap((m) => m.children)];
  return holders.flatMap((h) => {
    const bsdName = nonEmpty(h.props["BSD Name"]);
    if (bsdName === undefined) return [];
    const volumes = h.children
      .filter((c) => c.title === "Volumes")
      .flatMap((v) => v.children)
      .map((v) => {
        const volume: SpUsbVolume = { name: v.title };
        assign(volume, "bsdName", nonEmpty(v.props["BSD Name"]));
        assign(volume, "mountPoint", nonEmpty(v.props["Mount Point"]));
        return volume;
      });
    const disk: SpUsbDisk = { bsdName, volumes };
    assign(disk, "sizeBytes", exactBytes(h.props.Capacity ?? h.props.Size));
    return [disk];
  });
}

/** `0x0781  (SanDisk Corporation)`, `0x3310`, `apple_vendor_id`, `0x05ac  (Apple Inc.)`. */
export function parseVendor(raw: string | undefined): { id?: string; name?: string } {
  if (raw === undefined) return {};
  if (/^apple_vendor_id$/i.test(raw.trim())) return { id: "05ac", name: "Apple Inc." };
  const match = /^\s*(0x[0-9a-fA-F]{1,4})\b\s*(?:\((.*)\))?\s*$/.exec(raw);
  if (match === null) return {};
  const name = nonEmpty(match[2]);
  return name === undefined ? { id: hexId(match[1]) } : { id: hexId(match[1]), name };
}

function hexId(raw: string | undefined): string | undefined {
  const match = raw === undefined ? null : /^\s*0x([0-9a-fA-F]{1,4})\b/.exec(raw);
  return match === null ? undefined : (match[1] as string).toLowerCase().padStart(4, "0");
}

/** "Not Provided" is system_profiler's placeholder, not a serial number. */
function serial(raw: string | undefined): string | undefined {
  const value = nonEmpty(raw);
  return value === undefined || /^not provided$/i.test(value) ? undefined : value;
}

function locationId(raw: string | undefined): string | undefined {
  return nonEmpty(raw?.split("/")[0]);
}

/** `3.99 GB (3,992,977,408 bytes)`: only the exact count in parentheses; the rounded, localised figure is not used. */
function exactBytes(raw: string | undefined): number | undefined {
  const match = raw === undefined ? null : /\(([\d.,\s\u00a0]+) bytes\)/i.exec(raw);
  if (match === null) return undefined;
  const digits = (match[1] as string).replace(/\D/g, "");
  return digits === "" ? undefined : Number(digits);
}

function isYes(raw: string | undefined): boolean {
  return raw !== undefined && /^yes$/i.test(raw.trim());
}

function nonEmpty(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
