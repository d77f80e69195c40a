// Mount listings -> mounts: /proc/mounts (fstab-style, octal escapes), `mount` output, or findmnt's.
import { ParseError } from "../../../runner/parse-error.js";
import { unescapeOctal } from "./escapes.js";
import { parseFindmnt } from "./findmnt.js";

export interface MountEntry {
  /** What is mounted: /dev/sdb1, /dev/mapper/x, tmpfs, a server:/export … */
  source: string;
  /** Where, with escapes undone (`/media/user/My Stick`). */
  target: string;
  fstype?: string;
  options?: string[];
}

export type MountFormat = "proc" | "mount" | "findmnt";

const MOUNT_LINE = /^(.+?) on (.+) type (\S+) \(([^)]*)\)(?: \[[^\]]*\])?$/;

/** Sniffs the format: `X on Y type Z (opts)` is mount(8), a header or pairs or JSON is findmnt, else /proc/mounts. */
export function parseMountListing(text: string, source = "/proc/mounts"): { format: MountFormat; mounts: MountEntry[] } {
  const first = text.split("\n").find((l) => l.trim() !== "") ?? "";
  if (MOUNT_LINE.test(first)) return { format: "mount", mounts: parseMountCommand(text, source) };
  if (/^\s*(?:\{|TARGET\b|SOURCE\b|[A-Z][A-Z0-9:%_.-]*=")/.test(first)) return { format: "findmnt", mounts: parseFindmnt(text, source) };
  return { format: "proc", mounts: parseProcMounts(text, source) };
}

/** /proc/mounts, /proc/self/mounts, /etc/mtab: six space-separated fields, spaces in paths as \040. */
export function parseProcMounts(text: string, source = "/proc/mounts"): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const fields = line.trim().split(/\s+/);
    const [device, target, fstype, options, freq, passno] = fields;
    if (
      device === undefined ||
      target === undefined ||
      fstype === undefined ||
      options === undefined ||
      fields.length !== 6 ||
      !/^\d+$/.test(`${freq ?? ""}${passno ?? ""}`)
    ) {
      throw new ParseError(source, `line ${i + 1} is not "device mountpoint type options 0 0": ${JSON.stringify(line.slice(0, 120))}`);
    }
    mounts.push({ source: unescapeOctal(device), target: unescapeOctal(target), fstype, options: options.split(",") });
  }
  return mounts;
}

/** `mount` with no arguments: `/dev/sdb1 on /media/user/My Stick type vfat (rw,nosuid)`; paths are not escaped. */
export function parseMountCommand(text: string, source = "mount"): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const m = MOUNT_LINE.exec(line.trim());
    if (m === null)
      throw new ParseError(
        source,
        `line ${i + 1} is not "device on mountpoint type fstype (options)": ${JSON.stringify(line.slice(0, 120))}`,
      );
    mounts.push({ source: m[1] ?? "", target: m[2] ?? "", fstype: m[3] ?? "", options: (m[4] ?? "").split(",") });
  }
  return mounts;
}
