import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseFindmnt } from "./findmnt.js";

/** Recorded in this container (util-linux 2.38.1) for a partition mounted twice, once under a path with a space. */
const RECORDED = {
  list: `TARGET            SOURCE       FSTYPE OPTIONS
/tmp/mnt/My Stick /dev/loop0p1 ext4   rw,relatime
/tmp/mnt/third    /dev/loop0p1 ext4   rw,relatime
`,
  raw: `TARGET SOURCE FSTYPE OPTIONS
/tmp/mnt/My\\x20Stick /dev/loop0p1 ext4 rw,relatime
/tmp/mnt/third /dev/loop0p1 ext4 rw,relatime
`,
  pairs: `TARGET="/tmp/mnt/My Stick" SOURCE="/dev/loop0p1" FSTYPE="ext4" OPTIONS="rw,relatime"
TARGET="/tmp/mnt/third" SOURCE="/dev/loop0p1" FSTYPE="ext4" OPTIONS="rw,relatime"
`,
  json: `{
   "filesystems": [
      {
         "target": "/tmp/mnt/My Stick",
         "source": "/dev/loop0p1",
         "fstype": "ext4",
         "options": "rw,relatime",
         "children": [
            {"target": "/tmp/mnt/third", "source": "/dev/loop0p1", "fstype": "ext4", "options": "rw,relatime"}
         ]
      }
   ]
}
`,
};

describe("parseFindmnt", () => {
  it("reads centos-7.7-vm-findmnt-tree.txt: the drawn tree, / on centos-root (xfs), /boot on /dev/sda1, no removable media", () => {
    const mounts = parseFindmnt(fixtureText("linux/findmnt/centos-7.7-vm-findmnt-tree.txt"));
    expect(mounts).toHaveLength(32);
    expect(mounts[0]).toEqual({
      source: "/dev/mapper/centos-root",
      target: "/",
      fstype: "xfs",
      options: ["rw", "relatime", "seclabel", "attr2", "inode64", "noquota"],
    });
    expect(mounts.find((m) => m.target === "/boot")).toMatchObject({ source: "/dev/sda1", fstype: "xfs" });
    expect(mounts.find((m) => m.target === "/sys/fs/cgroup/net_cls,net_prio")).toMatchObject({ source: "cgroup", fstype: "cgroup" });
    expect(mounts.find((m) => m.target === "/var/lib/docker/containers")).toMatchObject({ source: "/dev/mapper/centos-root" }); // the [/var/lib/docker/containers] bind root dropped
    expect(mounts.filter((m) => m.target.startsWith("/media/") || m.target.startsWith("/run/media/"))).toEqual([]);
  });

  it.each(Object.entries(RECORDED))("reads the %s form with the space kept", (_format, text) => {
    expect(parseFindmnt(text)).toEqual([
      { source: "/dev/loop0p1", target: "/tmp/mnt/My Stick", fstype: "ext4", options: ["rw", "relatime"] },
      { source: "/dev/loop0p1", target: "/tmp/mnt/third", fstype: "ext4", options: ["rw", "relatime"] },
    ]);
  });

  it.each([
    ["a header without SOURCE", "TARGET FSTYPE\n/ xfs\n"],
    ["JSON without filesystems", '{"mounts": []}'],
    ["a non-header first line", "findmnt: can't read /proc/self/mountinfo\n"],
  ])("throws a ParseError on %s", (_what, text) => {
    expect(() => parseFindmnt(text)).toThrow(ParseError);
  });
});
