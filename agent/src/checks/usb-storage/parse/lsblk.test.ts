import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseLsblk, parseSize, type BlockDevice } from "./lsblk.js";

const L = "linux/lsblk/";
const byName = (devices: readonly BlockDevice[], kname: string): BlockDevice | undefined => devices.find((d) => d.kname === kname);

/** Outputs recorded in this container (util-linux 2.38.1) on a loop device with two partitions, one mounted twice under a path with a space. */
const RECORDED_2_38 = {
  tree: `NAME      MAJ:MIN RM  SIZE RO TYPE MOUNTPOINTS
loop0       7:0    0   64M  0 loop 
├─loop0p1 259:0    0   16M  0 part /tmp/mnt/third
│                                  /tmp/mnt/My Stick
└─loop0p2 259:1    0   47M  0 part /tmp/mnt/second
zram0     253:0    0    0B  0 disk 
vda       254:0    0  256G  0 disk /
`,
  ascii: `NAME      MAJ:MIN RM  SIZE RO TYPE MOUNTPOINTS
loop0       7:0    0   64M  0 loop 
|-loop0p1 259:0    0   16M  0 part /tmp/mnt/third
|                                  /tmp/mnt/My Stick
\`-loop0p2 259:1    0   47M  0 part /tmp/mnt/second
zram0     253:0    0    0B  0 disk 
vda       254:0    0  256G  0 disk /
`,
  noHeader: `loop0       7:0    0   64M  0 loop 
├─loop0p1 259:0    0   16M  0 part /tmp/mnt/third
│                                  /tmp/mnt/My Stick
└─loop0p2 259:1    0   47M  0 part /tmp/mnt/second
zram0     253:0    0    0B  0 disk 
vda       254:0    0  256G  0 disk /
`,
  pairsFullPaths: `NAME="/dev/loop0" PKNAME="" TYPE="loop" SIZE="64M" MOUNTPOINTS=""
NAME="/dev/loop0p1" PKNAME="/dev/loop0" TYPE="part" SIZE="16M" MOUNTPOINTS="/tmp/mnt/third\\x0a/tmp/mnt/My Stick"
NAME="/dev/loop0p2" PKNAME="/dev/loop0" TYPE="part" SIZE="47M" MOUNTPOINTS="/tmp/mnt/second"
NAME="/dev/zram0" PKNAME="" TYPE="disk" SIZE="0B" MOUNTPOINTS=""
NAME="/dev/vda" PKNAME="" TYPE="disk" SIZE="256G" MOUNTPOINTS="/"
`,
  raw: `NAME TYPE SIZE MOUNTPOINTS
loop0 loop 64M 
loop0p1 part 16M /tmp/mnt/third\\x0a/tmp/mnt/My\\x20Stick
loop0p2 part 47M /tmp/mnt/second
zram0 disk 0B 
vda disk 256G /
`,
  // -l lists partitions after every disk, not below their own one.
  list: `NAME     SIZE MOUNTPOINTS       TYPE
loop0     64M                   loop
zram0      0B                   disk
vda      256G /                 disk
loop0p1   16M /tmp/mnt/third    part
              /tmp/mnt/My Stick 
loop0p2   47M /tmp/mnt/second   part
`,
};

describe("parseLsblk on the recorded fixtures", () => {
  it("reads centos-7.7-vm-all-columns-O.txt: the old -O column set, sda on spi with LVM below, sr0 a removable ata rom", () => {
    const out = parseLsblk(fixtureText(`${L}centos-7.7-vm-all-columns-O.txt`));
    expect(out.format).toBe("table");
    expect(out.columns).not.toContain("PATH");
    expect(out.columns).not.toContain("MOUNTPOINTS");
    expect(byName(out.devices, "sda")).toMatchObject({
      type: "disk",
      tran: "spi",
      removable: false,
      size: 20 * 1024 ** 3,
      vendor: "VMware,",
      model: "VMware Virtual S",
      parents: [],
    });
    expect(byName(out.devices, "sda1")).toMatchObject({ parents: ["sda"], mountpoints: ["/boot"] });
    expect(byName(out.devices, "dm-0")).toMatchObject({ name: "centos-root", type: "lvm", parents: ["sda2"], mountpoints: ["/"] });
    expect(byName(out.devices, "dm-1")).toMatchObject({ name: "centos-swap", parents: ["sda2"], mountpoints: ["[SWAP]"] });
    expect(byName(out.devices, "sr0")).toMatchObject({
      type: "rom",
      tran: "ata",
      removable: true,
      vendor: "NECVMWar",
      serial: "10000000000000000001",
    });
    expect(out.devices.some((d) => d.tran === "usb")).toBe(false);
  });

  it("reads debian-12-container-vm-lsblk-J-O.json: booleans, [null] mountpoints beside the singular one, human sizes", () => {
    const out = parseLsblk(fixtureText(`${L}debian-12-container-vm-lsblk-J-O.json`));
    expect(out.format).toBe("json");
    expect(out.devices.map((d) => d.kname)).toEqual(["zram0", "vda"]);
    expect(byName(out.devices, "zram0")).toMatchObject({ size: 0, mountpoints: [], removable: false, hotplug: false, tran: null });
    expect(byName(out.devices, "vda")).toMatchObject({
      size: 256 * 1024 ** 3,
      vendor: "0x1af4",
      tran: null,
      removable: false,
      mountpoints: ["/"],
    });
  });

  it("reads debian-12-container-vm-lsblk-J-b-selected-columns-mountpoint-singular.json: byte sizes as JSON numbers, singular mountpoint", () => {
    const out = parseLsblk(fixtureText(`${L}debian-12-container-vm-lsblk-J-b-selected-columns-mountpoint-singular.json`));
    expect(byName(out.devices, "vda")).toMatchObject({ size: 274877906944, mountpoints: ["/"], tran: null });
    expect(byName(out.devices, "zram0")).toMatchObject({ size: 0, mountpoints: [] });
  });

  it("reads debian-12-container-vm-lsblk-J-selected-columns.json: zram0 with [null] and vda on /, neither removable", () => {
    const out = parseLsblk(fixtureText(`${L}debian-12-container-vm-lsblk-J-selected-columns.json`));
    expect(out.devices).toEqual([
      expect.objectContaining({ kname: "zram0", tran: null, removable: false, hotplug: false, type: "disk", size: 0, mountpoints: [] }),
      expect.objectContaining({
        kname: "vda",
        tran: null,
        removable: false,
        hotplug: false,
        type: "disk",
        size: 256 * 1024 ** 3,
        mountpoints: ["/"],
      }),
    ]);
  });

  it("reads debian-12-container-vm-lsblk-P-selected-columns.txt: pairs with 0/1 flags and empty strings for null", () => {
    const out = parseLsblk(fixtureText(`${L}debian-12-container-vm-lsblk-P-selected-columns.txt`));
    expect(out.format).toBe("pairs");
    expect(out.devices).toEqual([
      expect.objectContaining({ kname: "zram0", tran: null, removable: false, size: 0, mountpoints: [] }),
      expect.objectContaining({ kname: "vda", tran: null, removable: false, vendor: "0x1af4", mountpoints: ["/"] }),
    ]);
  });

  it("reads linuxmint-usb-disk-unpartitioned-mounted-old-mountpoint-column.txt: trailing spaces, sdb removable 28.7G mounted whole-disk", () => {
    const out = parseLsblk(fixtureText(`${L}linuxmint-usb-disk-unpartitioned-mounted-old-mountpoint-column.txt`));
    expect(out.columns).toContain("MOUNTPOINT");
    expect(byName(out.devices, "sdb")).toEqual(
      expect.objectContaining({
        type: "disk",
        removable: true,
        size: Math.round(28.7 * 1024 ** 3),
        mountpoints: ["/media/usb0"],
        parents: [],
      }),
    );
    expect(byName(out.devices, "sda")).toMatchObject({ removable: false, mountpoints: [] });
    expect(byName(out.devices, "sda1")).toMatchObject({ parents: ["sda"], mountpoints: ["/boot/efi"] });
    expect(byName(out.devices, "sda5")).toMatchObject({ parents: ["sda"], mountpoints: ["/"] });
    expect(byName(out.devices, "sdb")?.tran).toBeUndefined();
  });

  it("reads rockstor-hyperv-host-sandisk-usb-stick.pairs.txt: -p full paths, padded VENDOR, the SanDisk on usb", () => {
    const out = parseLsblk(fixtureText(`${L}rockstor-hyperv-host-sandisk-usb-stick.pairs.txt`));
    const sdd = byName(out.devices, "sdd");
    expect(sdd).toMatchObject({
      tran: "usb",
      model: "SanDisk 3.2Gen1",
      vendor: "USB",
      type: "disk",
      mountpoints: [],
      size: Math.round(57.3 * 1024 ** 3),
    });
    // The INDEX calls it 128 hex characters; the recorded value has 120.
    expect(sdd?.serial).toMatch(/^01016c73[0-9a-f]{112}$/);
    expect(byName(out.devices, "fd0")).toMatchObject({ size: 4096, tran: null });
    expect(byName(out.devices, "sda")).toMatchObject({ model: "ST18000NM000J-2T", tran: null });
    expect(byName(out.devices, "sda")).not.toHaveProperty("vendor"); // VENDOR="        " is blank
    expect(byName(out.devices, "sdb")).toMatchObject({ vendor: "Msft", model: "Virtual Disk", tran: null });
    expect(["sdb1", "sdb2", "sdb3", "sdb4"].map((p) => byName(out.devices, p)?.parents)).toEqual([["sdb"], ["sdb"], ["sdb"], ["sdb"]]);
    expect(out.devices.filter((d) => d.tran === "usb").map((d) => d.kname)).toEqual(["sdd"]);
  });

  it("reads ubuntu-14.04-usb-stick-mounted-pairs-all.txt: sdd1 mounted under sdd, empty slots sdb/sdc with no size, sr0 a rom", () => {
    const out = parseLsblk(fixtureText(`${L}ubuntu-14.04-usb-stick-mounted-pairs-all.txt`));
    expect(out.columns).not.toContain("TRAN");
    expect(byName(out.devices, "sdd")).toMatchObject({ removable: true, size: Math.round(7.4 * 1024 ** 3), type: "disk" });
    expect(byName(out.devices, "sdd1")).toMatchObject({ parents: ["sdd"], mountpoints: ["/media/<username>/85CA-6700"] });
    expect(byName(out.devices, "sdb")).toMatchObject({ removable: true, size: null });
    expect(byName(out.devices, "sdc")).toMatchObject({ removable: true, size: null });
    expect(byName(out.devices, "sr0")).toMatchObject({ removable: true, type: "rom" });
    expect(byName(out.devices, "loop0")).toMatchObject({ type: "loop", size: null });
  });

  it("reads ubuntu-18.04-vm-all-columns-O.txt: very wide lines, a label with spaces, TRAN spi and sata only", () => {
    const out = parseLsblk(fixtureText(`${L}ubuntu-18.04-vm-all-columns-O.txt`));
    expect(byName(out.devices, "sda")).toMatchObject({ tran: "spi", vendor: "VMware,", model: "VMware Virtual S" });
    expect(byName(out.devices, "sr0")).toMatchObject({ tran: "sata", vendor: "NECVMWar", model: "VMware SATA CD00", removable: true });
    expect(byName(out.devices, "sr1")).toMatchObject({
      tran: "sata",
      vendor: "NECVMWar",
      model: "VMware SATA CD01",
      serial: "01000000000000000001",
    });
    expect(byName(out.devices, "sda2")).toMatchObject({ parents: ["sda"], mountpoints: ["/"] });
    expect(byName(out.devices, "loop5")).toMatchObject({ mountpoints: ["/snap/google-cloud-sdk/106"] });
    expect(out.devices.some((d) => d.tran === "usb")).toBe(false);
  });

  it("reads ubuntu-18.04-vm-default-columns.txt: the tree, fd0 and sr0/sr1 removable, 11 snaps mounted", () => {
    const out = parseLsblk(fixtureText(`${L}ubuntu-18.04-vm-default-columns.txt`));
    expect(out.columns).toEqual(["NAME", "MAJ:MIN", "RM", "SIZE", "RO", "TYPE", "MOUNTPOINT"]);
    expect(out.devices.filter((d) => d.removable === true).map((d) => d.kname)).toEqual(["fd0", "sr0", "sr1"]);
    expect(byName(out.devices, "fd0")).toMatchObject({ type: "disk", majMin: "2:0" });
    expect(out.devices.filter((d) => d.type === "loop" && d.mountpoints[0]?.startsWith("/snap/") === true)).toHaveLength(11);
    expect(byName(out.devices, "sda2")).toMatchObject({ parents: ["sda"], mountpoints: ["/"], size: 20 * 1024 ** 3 });
  });
});

describe("parseLsblk on every format of util-linux 2.38 (recorded here)", () => {
  it.each(Object.entries(RECORDED_2_38))(
    "reads the %s output: partitions under their disk, both mount points of loop0p1, spaces kept",
    (_format, text) => {
      const out = parseLsblk(text);
      expect(byName(out.devices, "loop0p1")).toMatchObject({ parents: ["loop0"], type: "part", size: 16 * 1024 ** 2 });
      expect(byName(out.devices, "loop0p1")?.mountpoints.sort()).toEqual(["/tmp/mnt/My Stick", "/tmp/mnt/third"]);
      expect(byName(out.devices, "loop0p2")).toMatchObject({ parents: ["loop0"], mountpoints: ["/tmp/mnt/second"] });
      expect(byName(out.devices, "vda")).toMatchObject({ parents: [], mountpoints: ["/"], size: 256 * 1024 ** 3 });
      expect(byName(out.devices, "zram0")).toMatchObject({ size: 0, mountpoints: [] });
    },
  );

  it("tells the formats apart", () => {
    expect(parseLsblk(RECORDED_2_38.raw).format).toBe("raw");
    expect(parseLsblk(RECORDED_2_38.list).format).toBe("table");
    expect(parseLsblk(RECORDED_2_38.pairsFullPaths).format).toBe("pairs");
  });

  it("reads JSON from lsblk 2.27-2.32, where every value is a string, and keeps children under several parents once", () => {
    const out = parseLsblk(
      JSON.stringify({
        blockdevices: [
          {
            name: "sda",
            rm: "0",
            size: "500107862016",
            tran: "sata",
            children: [{ name: "md0", rm: "0", size: "1000", mountpoint: "/srv", tran: null }],
          },
          {
            name: "sdb",
            rm: "1",
            size: "500107862016",
            tran: "usb",
            children: [{ name: "md0", rm: "0", size: "1000", mountpoint: "/srv", tran: null }],
          },
        ],
      }),
    );
    expect(out.devices.map((d) => d.kname)).toEqual(["sda", "md0", "sdb"]);
    expect(byName(out.devices, "md0")).toMatchObject({ parents: ["sda", "sdb"], mountpoints: ["/srv"] });
    expect(byName(out.devices, "sdb")).toMatchObject({ removable: true, tran: "usb", size: 500107862016 });
  });

  it("reads an empty output as no devices", () => {
    expect(parseLsblk("").devices).toEqual([]);
    expect(parseLsblk('{"blockdevices": []}').devices).toEqual([]);
  });
});

describe("parseLsblk refuses what it cannot read", () => {
  it.each([
    ["an error message", "lsblk: unknown column: MOUNTPOINTS\n"],
    ["truncated JSON", fixtureText(`${L}debian-12-container-vm-lsblk-J-selected-columns.json`).slice(0, 200)],
    ["JSON without blockdevices", '{"devices": []}'],
    ["a pairs line cut in a value", 'NAME="sda" TRAN="us'],
    ["a flag that is not 0/1", 'NAME="sda" RM="maybe"'],
    ["a header without NAME", "SIZE TYPE\n20G disk\n"],
  ])("throws a ParseError on %s", (_what, text) => {
    expect(() => parseLsblk(text)).toThrow(ParseError);
  });

  it("never fails with anything but a ParseError on any prefix of a real output or on random text", () => {
    const samples = [
      fixtureText(`${L}ubuntu-18.04-vm-all-columns-O.txt`),
      fixtureText(`${L}debian-12-container-vm-lsblk-J-O.json`),
      RECORDED_2_38.tree,
    ];
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.nat(), fc.string(), (sample, cut, noise) => {
        for (const text of [sample.slice(0, cut % (sample.length + 1)), noise, sample.slice(0, cut % (sample.length + 1)) + noise]) {
          try {
            parseLsblk(text);
          } catch (error) {
            expect(error).toBeInstanceOf(ParseError);
          }
        }
      }),
    );
  });
});

describe("parseSize", () => {
  it.each([
    [274877906944, 274877906944],
    ["274877906944", 274877906944],
    ["0B", 0],
    ["1024M", 1024 ** 3],
    ["28.7G", Math.round(28.7 * 1024 ** 3)],
    ["28,7G", Math.round(28.7 * 1024 ** 3)],
    ["1K", 1024],
    ["", null],
    [null, null],
    ["-", undefined],
  ])("reads %j as %j bytes", (cell, bytes) => {
    expect(parseSize(cell)).toBe(bytes);
  });
});
