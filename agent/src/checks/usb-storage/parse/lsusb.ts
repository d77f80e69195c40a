// lsusb output of any usbutils version -> USB devices: the plain list, `-v` descriptors or the `-t` tree.
import { ParseError } from "../../../runner/parse-error.js";

export type LsusbFormat = "list" | "verbose" | "tree";

export interface LsusbInterface {
  number?: number;
  /** bInterfaceClass (8 = mass storage); absent in the tree output of old usbutils, which only names it. */
  classCode?: number;
  /** The class as lsusb names it: "Mass Storage", "Human Interface Device", "[unknown]". */
  className?: string;
  subClass?: number;
  protocol?: number;
  /** Kernel driver bound to it (tree output only): usb-storage, uas, usbhid, … */
  driver?: string;
}

export interface LsusbDevice {
  bus: number;
  device: number;
  /** Port numbers from the root hub, dot-joined (tree output only): 1.2 -> sysfs name `<bus>-1.2`. */
  portPath?: string;
  /** 4 lowercase hex digits. */
  vendorId?: string;
  productId?: string;
  /** The text after the ids on the `Bus … Device …: ID vvvv:pppp` line (may be empty). */
  description?: string;
  manufacturer?: string;
  product?: string;
  serial?: string;
  deviceClass?: number;
  interfaces: LsusbInterface[];
}

export interface LsusbOutput {
  format: LsusbFormat;
  devices: LsusbDevice[];
}

const BUS_LINE = /^Bus (\d+) Device (\d+): ID ([0-9a-fA-F]{4}):([0-9a-fA-F]{4})(?: (.*))?$/;
const TREE_BUS = /^\/:\s+Bus (\d+)\.Port (\d+): Dev (\d+), (?:If (\d+), )?Class=(.*?), Driver=(.*?), ?(\S*)$/;
const TREE_PORT = /^(\s*)\|__ Port (\d+): Dev (\d+), If (\d+), Class=(.*?), Driver=(.*?), ?(\S*)$/;
const TREE_ID = /^\s+ID ([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\s*(.*)$/;

export function parseLsusb(text: string, source = "lsusb"): LsusbOutput {
  const lines = text.split("\n");
  const firstLine = lines.find((l) => l.trim() !== "") ?? "";
  if (firstLine === "") return { format: "list", devices: [] };
  if (firstLine.startsWith("/:")) return { format: "tree", devices: parseTree(lines, source) };
  if (lines.some((l) => /^\s*Device Descriptor:\s*$/.test(l))) return { format: "verbose", devices: parseVerbose(lines, source) };
  return { format: "list", devices: parseList(lines, source) };
}

/** Whether lsusb says the device has a mass-storage interface (class 8, or the usb-storage / uas driver). */
export function isMassStorage(device: LsusbDevice): boolean {
  return (
    device.deviceClass === 8 ||
    device.interfaces.some(
      (i) => i.classCode === 8 || /^mass storage$/i.test(i.className ?? "") || i.driver === "usb-storage" || i.driver === "uas",
    )
  );
}

function parseList(lines: readonly string[], source: string): LsusbDevice[] {
  const devices: LsusbDevice[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const device = busLine(line);
    if (device === undefined)
      throw new ParseError(source, `line ${i + 1} is not "Bus NNN Device NNN: ID vvvv:pppp …": ${JSON.stringify(line.slice(0, 120))}`);
    devices.push(device);
  }
  return devices;
}

function busLine(line: string): LsusbDevice | undefined {
  const m = BUS_LINE.exec(line);
  if (m === null) return undefined;
  return {
    bus: Number(m[1]),
    device: Number(m[2]),
    vendorId: (m[3] ?? "").toLowerCase(),
    productId: (m[4] ?? "").toLowerCase(),
    description: (m[5] ?? "").trim(),
    interfaces: [],
  };
}

/** `lsusb -v`: a `Bus …` line per device, then indented `key value [name]` descriptor lines. */
function parseVerbose(lines: readonly string[], source: string): LsusbDevice[] {
  const devices: LsusbDevice[] = [];
  let device: LsusbDevice | undefined;
  let iface: LsusbInterface | undefined;
  for (const line of lines) {
    const header = busLine(line);
    if (header !== undefined) {
      device = header;
      iface = undefined;
      devices.push(device);
      continue;
    }
    if (device === undefined) continue; // "Couldn't open device" notes and the leading blank line of newer usbutils
    if (/^\s+Interface Descriptor:/.test(line)) {
      iface = {};
      device.interfaces.push(iface);
      continue;
    }
    const m = /^\s+(\w+)\s+(\S+)(?:\s+(.*?))?\s*$/.exec(line);
    if (m === null) continue;
    const [, key = "", value = "", rest] = m;
    const num = /^(0x[0-9a-f]+|\d+)$/i.test(value) ? Number(value) : undefined;
    const name = rest === undefined || rest === "" ? undefined : rest;
    switch (key) {
      case "idVendor":
        if (num !== undefined) device.vendorId = num.toString(16).padStart(4, "0");
        break;
      case "idProduct":
        if (num !== undefined) device.productId = num.toString(16).padStart(4, "0");
        break;
      case "iManufacturer":
        if (name !== undefined) device.manufacturer = name;
        break;
      case "iProduct":
        if (name !== undefined) device.product = name;
        break;
      case "iSerial":
        if (name !== undefined) device.serial = name;
        break;
      case "bDeviceClass":
        if (num !== undefined) device.deviceClass = num;
        break;
      case "bInterfaceNumber":
        if (iface !== undefined && num !== undefined) iface.number = num;
        break;
      case "bInterfaceClass":
        if (iface !== undefined && num !== undefined) {
          iface.classCode = num;
          if (name !== undefined) iface.className = name;
        }
        break;
      case "bInterfaceSubClass":
        if (iface !== undefined && num !== undefined) iface.subClass = num;
        break;
      case "bInterfaceProtocol":
        if (iface !== undefined && num !== undefined) iface.protocol = num;
        break;
    }
  }
  if (devices.length === 0) throw new ParseError(source, 'verbose output without any "Bus NNN Device NNN: ID vvvv:pppp" line');
  // Alternate settings repeat an interface descriptor: keep one per interface number and class.
  for (const d of devices)
    d.interfaces = d.interfaces.filter((x, i, all) => all.findIndex((y) => y.number === x.number && y.classCode === x.classCode) === i);
  return devices;
}

/** `lsusb -t`: one line per interface, indented four spaces per hub level; newer usbutils add `ID vvvv:pppp` lines. */
function parseTree(lines: readonly string[], source: string): LsusbDevice[] {
  const devices = new Map<string, LsusbDevice>();
  const ports: number[] = [];
  let bus = 0;
  let last: LsusbDevice | undefined;
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const root = TREE_BUS.exec(line);
    if (root !== null) {
      bus = Number(root[1]);
      ports.length = 0;
      last = deviceAt(devices, bus, Number(root[3]), undefined);
      last.interfaces.push(treeInterface(root[4], root[5], root[6]));
      continue;
    }
    const port = TREE_PORT.exec(line);
    if (port !== null) {
      const depth = Math.max(1, Math.round((port[1] ?? "").length / 4));
      ports.length = depth - 1;
      ports.push(Number(port[2]));
      last = deviceAt(devices, bus, Number(port[3]), ports.join("."));
      last.interfaces.push(treeInterface(port[4], port[5], port[6]));
      continue;
    }
    const id = TREE_ID.exec(line);
    if (id !== null && last !== undefined) {
      last.vendorId = (id[1] ?? "").toLowerCase();
      last.productId = (id[2] ?? "").toLowerCase();
      last.description = (id[3] ?? "").trim();
      continue;
    }
    throw new ParseError(source, `line ${i + 1} is not a tree line of lsusb -t: ${JSON.stringify(line.slice(0, 120))}`);
  }
  return [...devices.values()];
}

function deviceAt(devices: Map<string, LsusbDevice>, bus: number, device: number, portPath: string | undefined): LsusbDevice {
  const key = `${bus}/${device}`;
  const seen = devices.get(key);
  if (seen !== undefined) return seen;
  const created: LsusbDevice = portPath === undefined ? { bus, device, interfaces: [] } : { bus, device, portPath, interfaces: [] };
  devices.set(key, created);
  return created;
}

function treeInterface(number: string | undefined, className: string | undefined, driver: string | undefined): LsusbInterface {
  const iface: LsusbInterface = {};
  if (number !== undefined) iface.number = Number(number);
  if (className !== undefined && className !== "") iface.className = className;
  if (/^mass storage$/i.test(className ?? "")) iface.classCode = 8;
  // "hub/4p" names the driver and the hub's port count; "[none]" means no driver is bound.
  const name = driver?.split("/")[0];
  if (name !== undefined && name !== "" && name !== "[none]") iface.driver = name;
  return iface;
}
