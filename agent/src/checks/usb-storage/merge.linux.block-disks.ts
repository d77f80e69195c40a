// Linux block devices as one picture: lsblk rows, udev records and mounts merged per disk, partitions folded in.
import type { BlockDevice, LsblkOutput } from "./parse/lsblk.js";
import type { MountEntry } from "./parse/mounts.js";
import type { UdevBlockDevice } from "./parse/udevadm.js";

interface BlockNode {
  kname: string;
  names: string[];
  parents: string[];
  lsblk?: BlockDevice;
  udev?: UdevBlockDevice;
  mountpoints: string[];
}

/** One whole disk (or optical drive) with everything below it: partitions, LVM, LUKS, their mounts. */
export interface Disk {
  kname: string;
  /** undefined: TRAN was not asked for; null: asked, and not a transport lsblk names. */
  tran?: string | null;
  removable?: boolean;
  type?: string;
  majMin?: string;
  size?: number | null;
  vendor?: string;
  model?: string;
  serial?: string;
  /** The udev record of the disk itself. */
  udev?: UdevBlockDevice;
  /** Mounts of the disk and of everything on it. */
  mountpoints: string[];
  /** Partitions or other devices sit on it. */
  hasChildren: boolean;
  /** udev saw a partition table or a filesystem on the disk or below it. */
  hasContent: boolean;
  /** Which sources knew this disk. */
  sources: string[];
}

/** Virtual devices that are never removable media. */
const VIRTUAL_TYPES = new Set(["loop", "ram"]);

export function disksOf(
  lsblk: LsblkOutput | undefined,
  udev: readonly UdevBlockDevice[] | undefined,
  mounts: readonly MountEntry[] | undefined,
): Disk[] {
  const nodes = new Map<string, BlockNode>();
  for (const d of lsblk?.devices ?? []) {
    nodes.set(d.kname, { kname: d.kname, names: [d.kname, d.name], parents: [...d.parents], lsblk: d, mountpoints: [...d.mountpoints] });
  }
  for (const u of udev ?? []) {
    const node = nodes.get(u.kname) ?? { kname: u.kname, names: [u.kname], parents: [], mountpoints: [] };
    node.udev = u;
    if (node.parents.length === 0 && u.parent !== undefined) node.parents.push(u.parent);
    nodes.set(u.kname, node);
  }
  for (const m of mounts ?? []) {
    const name = /^\/dev\/(?:mapper\/)?(.+)$/.exec(m.source)?.[1];
    if (name === undefined) continue;
    const node = nodes.get(name) ?? [...nodes.values()].find((n) => n.names.includes(name));
    if (node !== undefined && !node.mountpoints.includes(m.target)) node.mountpoints.push(m.target);
  }

  const below = new Map<string, BlockNode[]>();
  for (const node of nodes.values()) {
    for (const root of rootsOf(node, nodes)) below.set(root.kname, [...(below.get(root.kname) ?? []), node]);
  }
  const disks: Disk[] = [];
  for (const [kname, members] of below) {
    const root = nodes.get(kname);
    if (root === undefined) continue;
    const type = root.lsblk?.type ?? (root.udev?.devtype === "disk" ? "disk" : root.udev?.devtype);
    if ((type !== undefined && VIRTUAL_TYPES.has(type)) || /^(?:loop|ram|zram)\d/.test(kname)) continue;
    const disk: Disk = {
      kname,
      mountpoints: [...new Set(members.flatMap((m) => m.mountpoints))],
      hasChildren: members.length > 1,
      hasContent: members.some((m) => m.udev?.partitionTable !== undefined || m.udev?.fsType !== undefined),
      sources: [
        ...(root.lsblk !== undefined || members.some((m) => m.lsblk !== undefined) ? ["lsblk"] : []),
        ...(root.udev !== undefined ? ["udevadm"] : []),
      ],
    };
    const l = root.lsblk;
    if (l !== undefined && lsblk?.columns.includes("TRAN") === true) disk.tran = l.tran ?? null;
    const copies: [keyof Disk, unknown][] = [
      ["removable", l?.removable],
      ["type", type],
      ["majMin", l?.majMin ?? root.udev?.majMin],
      ["size", l?.size],
      ["vendor", l?.vendor],
      ["model", l?.model],
      ["serial", l?.serial],
      ["udev", root.udev],
    ];
    for (const [key, value] of copies) if (value !== undefined) Object.assign(disk, { [key]: value });
    disks.push(disk);
  }
  return disks;
}

/** The top-most devices a node sits on (itself when it sits on nothing known). */
function rootsOf(node: BlockNode, nodes: ReadonlyMap<string, BlockNode>, seen: Set<string> = new Set()): BlockNode[] {
  seen.add(node.kname);
  const parents = node.parents.map((p) => nodes.get(p)).filter((p): p is BlockNode => p !== undefined && !seen.has(p.kname));
  if (parents.length === 0) return [node];
  return [...new Set(parents.flatMap((p) => rootsOf(p, nodes, seen)))];
}
