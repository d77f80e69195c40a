import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseMountCommand, parseMountListing, parseProcMounts } from "./mounts.js";

/** Recorded in this container: a loop partition mounted under a path with a space, and twice. */
const PROC_MOUNTS_RECORDED = `/dev/vda / ext4 rw,relatime,discard 0 0
/dev/loop0p1 /tmp/mnt/My\\040Stick ext4 rw,relatime 0 0
/dev/loop0p2 /tmp/mnt/second ext4 rw,relatime 0 0
/dev/loop0p1 /tmp/mnt/third ext4 rw,relatime 0 0
`;
const MOUNT_RECORDED = `/dev/loop0p1 on /tmp/mnt/My Stick type ext4 (rw,relatime)
/dev/loop0p2 on /tmp/mnt/second type ext4 (rw,relatime)
/dev/loop0p1 on /tmp/mnt/third type ext4 (rw,relatime)
`;

describe("parseMountCommand", () => {
  it("reads ubuntu-18.04-vm-mount.txt: 43 mounts, / on /dev/sda2 ext4, snaps as squashfs from loop files, no removable media", () => {
    const mounts = parseMountCommand(fixtureText("linux/mounts/ubuntu-18.04-vm-mount.txt"));
    expect(mounts).toHaveLength(43);
    expect(mounts.find((m) => m.target === "/")).toEqual({
      source: "/dev/sda2",
      target: "/",
      fstype: "ext4",
      options: ["rw", "relatime", "data=ordered"],
    });
    const snaps = mounts.filter((m) => m.target.startsWith("/snap/"));
    expect(snaps.length).toBeGreaterThan(0);
    expect(snaps.every((m) => m.fstype === "squashfs" && m.source.startsWith("/var/lib/snapd/snaps/"))).toBe(true);
    expect(mounts.filter((m) => /^\/dev\/sd[b-z]/.test(m.source) || m.target.startsWith("/media/"))).toEqual([]);
  });

  it("keeps spaces in unescaped mount points", () => {
    expect(parseMountCommand(MOUNT_RECORDED)[0]).toEqual({
      source: "/dev/loop0p1",
      target: "/tmp/mnt/My Stick",
      fstype: "ext4",
      options: ["rw", "relatime"],
    });
  });
});

describe("parseProcMounts", () => {
  it("undoes the kernel's octal escapes", () => {
    const mounts = parseProcMounts(PROC_MOUNTS_RECORDED);
    expect(mounts.map((m) => m.target)).toEqual(["/", "/tmp/mnt/My Stick", "/tmp/mnt/second", "/tmp/mnt/third"]);
    expect(parseProcMounts("/dev/sdb1 /media/u/Tab\\011Line\\012End\\134x vfat rw 0 0\n")[0]?.target).toBe("/media/u/Tab\tLine\nEnd\\x");
  });

  it("reads this machine's /proc/mounts format", () => {
    expect(parseProcMounts("proc /proc proc rw,relatime 0 0\n")).toEqual([
      { source: "proc", target: "/proc", fstype: "proc", options: ["rw", "relatime"] },
    ]);
  });
});

describe("parseMountListing sniffs the format", () => {
  it.each([
    ["proc", PROC_MOUNTS_RECORDED],
    ["mount", MOUNT_RECORDED],
    ["findmnt", fixtureText("linux/findmnt/centos-7.7-vm-findmnt-tree.txt")],
  ])("reads %s output", (format, text) => {
    const out = parseMountListing(text);
    expect(out.format).toBe(format);
    expect(out.mounts.length).toBeGreaterThan(0);
  });

  it.each([
    ["a line with too few fields", "/dev/sda1 /boot\n"],
    ["a line with too many fields", "/dev/sda1 /boot xfs rw 0 0 extra\n"],
    ["an error message", "cat: /proc/mounts: No such file or directory\n"],
  ])("throws a ParseError on %s", (_what, text) => {
    expect(() => parseMountListing(text)).toThrow(ParseError);
  });

  it("never fails with anything but a ParseError on cut or noisy listings", () => {
    const samples = [PROC_MOUNTS_RECORDED, MOUNT_RECORDED, fixtureText("linux/findmnt/centos-7.7-vm-findmnt-tree.txt")];
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.nat(), fc.string(), (sample, cut, noise) => {
        try {
          parseMountListing(sample.slice(0, cut % (sample.length + 1)) + noise);
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});
