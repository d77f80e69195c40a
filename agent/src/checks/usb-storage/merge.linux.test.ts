import { describe, expect, it } from "vitest";
import { fixtureText } from "../../testing/fixtures.js";
import { evaluateUsbStorage } from "./evaluate.js";
import { parseLsblk } from "./parse/lsblk.js";
import { parseLsusb } from "./parse/lsusb.js";
import { parseProcMounts } from "./parse/mounts.js";
import { parseUdevExportDb } from "./parse/udevadm.js";
import { usbStorageDevices, type LinuxUsbEvidence } from "./merge.linux.js";

const lsblk = (name: string) => parseLsblk(fixtureText(`linux/lsblk/${name}`));
const udev = (name: string) => parseUdevExportDb(fixtureText(`linux/udevadm/${name}`));
const verdict = (evidence: LinuxUsbEvidence) =>
  evaluateUsbStorage({ devices: usbStorageDevices(evidence), missingSources: [] }, { allowed: false, enforce: "report", exceptions: [] });

/** lsblk -J -b as util-linux 2.38 prints it for a laptop with the ADATA stick of the Latitude fixture mounted. */
const LATITUDE_LSBLK = JSON.stringify({
  blockdevices: [
    {
      name: "sda",
      kname: "sda",
      pkname: null,
      type: "disk",
      tran: "sata",
      rm: false,
      hotplug: false,
      size: 500107862016,
      vendor: "ATA     ",
      model: "ST500LX003-1AC15G",
      serial: "W2003CBZ",
      mountpoints: [null],
      children: [
        {
          name: "sda1",
          kname: "sda1",
          pkname: "sda",
          type: "part",
          tran: null,
          rm: false,
          hotplug: false,
          size: 500106813440,
          vendor: null,
          model: null,
          serial: null,
          mountpoints: ["/"],
        },
      ],
    },
    {
      name: "sdb",
      kname: "sdb",
      pkname: null,
      type: "disk",
      tran: "usb",
      rm: true,
      hotplug: true,
      size: 15804137472,
      vendor: "ADATA   ",
      model: "USB Flash Drive ",
      serial: "0000000000000505",
      mountpoints: [null],
      children: [
        {
          name: "sdb1",
          kname: "sdb1",
          pkname: "sdb",
          type: "part",
          tran: null,
          rm: true,
          hotplug: true,
          size: 15805120512,
          vendor: null,
          model: null,
          serial: null,
          mountpoints: ["/media/user/PENDRIVE"],
        },
      ],
    },
  ],
});

describe("which Linux devices are USB storage", () => {
  it.each([
    ["ubuntu-18.04-vm-default-columns.txt", "RM=1 alone (floppy fd0, optical sr0/sr1) is not USB"],
    ["ubuntu-18.04-vm-all-columns-O.txt", "TRAN spi and sata are not USB"],
    ["centos-7.7-vm-all-columns-O.txt", "an ata rom with RM=1 is not USB"],
    ["debian-12-container-vm-lsblk-J-O.json", "virtio and zram are not USB"],
    ["debian-12-container-vm-lsblk-P-selected-columns.txt", "virtio in pairs form is not USB"],
  ])("finds nothing in %s: %s", (file) => {
    expect(usbStorageDevices({ lsblk: lsblk(file) })).toEqual([]);
  });

  it("finds the SanDisk on TRAN=usb in rockstor-hyperv-host-sandisk-usb-stick.pairs.txt, not the floppy or the Hyper-V disks", () => {
    expect(usbStorageDevices({ lsblk: lsblk("rockstor-hyperv-host-sandisk-usb-stick.pairs.txt") })).toEqual([
      expect.objectContaining({
        name: "/dev/sdd",
        vendor: "USB",
        model: "SanDisk 3.2Gen1",
        mediaPresent: true,
        mountpoints: [],
        source: "lsblk",
      }),
    ]);
  });

  it("takes a removable disk with a medium as removable storage when nothing tells its transport (ubuntu-14.04-usb-stick-mounted-pairs-all.txt, linuxmint-usb-disk-unpartitioned-mounted-old-mountpoint-column.txt)", () => {
    expect(usbStorageDevices({ lsblk: lsblk("ubuntu-14.04-usb-stick-mounted-pairs-all.txt") })).toEqual([
      expect.objectContaining({ name: "/dev/sdd", mountpoints: ["/media/<username>/85CA-6700"], mediaPresent: true }),
    ]);
    expect(usbStorageDevices({ lsblk: lsblk("linuxmint-usb-disk-unpartitioned-mounted-old-mountpoint-column.txt") })).toEqual([
      expect.objectContaining({ name: "/dev/sdb", mountpoints: ["/media/usb0"], mediaPresent: true }),
    ]);
  });

  it("does not guess when udev names another bus for a removable disk", () => {
    const noTran = parseLsblk('NAME="sdb" RM="1" SIZE="500107862016" TYPE="disk" MOUNTPOINT="/srv/bay"\n');
    const ata = parseUdevExportDb(
      "P: /devices/pci0000:00/0000:00:1f.2/ata3/host2/target2:0:0/2:0:0:0/block/sdb\nN: sdb\nE: SUBSYSTEM=block\nE: DEVTYPE=disk\nE: ID_BUS=ata\n",
    );
    expect(usbStorageDevices({ lsblk: noTran, udev: ata })).toEqual([]);
    expect(usbStorageDevices({ lsblk: noTran })).toHaveLength(1);
  });

  it("merges lsblk and udev on the same disk: ids from udev, mounts of the partition from lsblk", () => {
    const devices = usbStorageDevices({
      lsblk: parseLsblk(LATITUDE_LSBLK),
      udev: udev("ubuntu-dell-latitude-e6430-adata-usb-stick.export-db.txt"),
    });
    expect(devices).toEqual([
      {
        name: "/dev/sdb",
        vendorId: "125f",
        productId: "312b",
        serial: "0000000000000505",
        vendor: "ADATA",
        model: "USB Flash Drive",
        mountpoints: ["/media/user/PENDRIVE"],
        sizeBytes: 15804137472,
        mediaPresent: true,
        source: "lsblk+udevadm",
      },
    ]);
  });

  it("adds the mount state from /proc/mounts when lsblk had no mount column", () => {
    const mounts = parseProcMounts("/dev/sda2 / ext4 rw 0 0\n/dev/sdd /media/user/SanDisk\\0403.2 exfat rw,nosuid 0 0\n");
    const devices = usbStorageDevices({ lsblk: lsblk("rockstor-hyperv-host-sandisk-usb-stick.pairs.txt"), mounts });
    expect(devices.map((d) => d.mountpoints)).toEqual([["/media/user/SanDisk 3.2"]]);
  });

  it("counts a partition's mount for its disk from udev and /proc/mounts alone (ubuntu-hp-elitebook-835-g10-one-usb-stick.export-db.txt)", () => {
    const devices = usbStorageDevices({
      udev: udev("ubuntu-hp-elitebook-835-g10-one-usb-stick.export-db.txt"),
      mounts: parseProcMounts("/dev/sda1 /media/ubuntu/4526-3FDB vfat rw 0 0\n"),
    });
    expect(devices).toEqual([
      expect.objectContaining({
        name: "/dev/sda",
        serial: "071C395B848A2D24",
        vendorId: "13fe",
        productId: "6700",
        vendor: "Kingston Technology Company Inc.",
        mountpoints: ["/media/ubuntu/4526-3FDB"],
      }),
    ]);
  });

  it("reports the Vostro's empty built-in card reader as such, and the evaluator lets it pass (ubuntu-dell-vostro-3460-internal-usb-card-reader-only.export-db.txt)", () => {
    const evidence = { udev: udev("ubuntu-dell-vostro-3460-internal-usb-card-reader-only.export-db.txt") };
    expect(usbStorageDevices(evidence)).toEqual([
      expect.objectContaining({ name: "/dev/sdb", serial: "20100201396000000", builtIn: true, mediaPresent: false }),
    ]);
    expect(verdict(evidence).status).toBe("pass");
  });

  it("fails the same reader once a card is in it", () => {
    const withCard = parseLsblk(
      'NAME="sdb" KNAME="sdb" TYPE="disk" TRAN="usb" RM="1" SIZE="31914983424" MOUNTPOINT=""\nNAME="sdb1" KNAME="sdb1" TYPE="part" TRAN="" RM="1" SIZE="31910789120" MOUNTPOINT="/media/user/SDCARD"\n',
    );
    const evidence = { lsblk: withCard, udev: udev("ubuntu-dell-vostro-3460-internal-usb-card-reader-only.export-db.txt") };
    expect(usbStorageDevices(evidence)).toEqual([
      expect.objectContaining({ builtIn: true, mediaPresent: true, mountpoints: ["/media/user/SDCARD"] }),
    ]);
    expect(verdict(evidence).violations.map((v) => v.subject)).toEqual(["20100201396000000"]);
  });

  it("fails an empty plugged-in USB DVD drive (attached even with no disc), as on macOS", () => {
    const evidence = {
      lsblk: parseLsblk(
        'NAME="sr1" KNAME="sr1" TYPE="rom" TRAN="usb" RM="1" SIZE="0" VENDOR="HL-DT-ST" MODEL="DVDRAM GP65NB60" SERIAL="KZNH4NH5607" MOUNTPOINT=""\n',
      ),
    };
    expect(usbStorageDevices(evidence)).toEqual([expect.objectContaining({ name: "/dev/sr1", mediaPresent: false, sizeBytes: 0 })]);
    expect(verdict(evidence).status).toBe("fail");
  });

  it("finds a mass-storage device that only sysfs or libusb lists, and joins them by port", () => {
    const sysfs = [
      {
        port: "1-1.4",
        busNumber: 1,
        portPath: "1.4",
        vendorId: "0781",
        productId: "5581",
        serial: "4C530001130115117412",
        interfaceClasses: [8],
      },
    ];
    const libusb = [{ vendorId: "0781", productId: "5581", busNumber: 1, portPath: "1.4", interfaceClasses: [8] }];
    expect(usbStorageDevices({ sysfs, libusb })).toEqual([
      {
        name: "/sys/bus/usb/devices/1-1.4",
        vendorId: "0781",
        productId: "5581",
        serial: "4C530001130115117412",
        mountpoints: [],
        source: "sysfs+libusb",
      },
    ]);
  });

  it("joins lsblk's disk and sysfs's device by their serial", () => {
    const disk = parseLsblk(
      'NAME="sdc" KNAME="sdc" PKNAME="" TYPE="disk" TRAN="usb" RM="1" SIZE="30752000000" VENDOR="SanDisk " MODEL="Ultra" SERIAL="4C530001130115117412" MOUNTPOINT="/media/u/STICK"\n',
    );
    const sysfs = [
      {
        port: "1-1.4",
        busNumber: 1,
        portPath: "1.4",
        vendorId: "0781",
        productId: "5581",
        serial: "4C530001130115117412",
        interfaceClasses: [8],
      },
    ];
    expect(usbStorageDevices({ lsblk: disk, sysfs })).toEqual([
      expect.objectContaining({
        name: "/dev/sdc",
        vendorId: "0781",
        productId: "5581",
        mountpoints: ["/media/u/STICK"],
        source: "lsblk+sysfs",
      }),
    ]);
  });

  it("finds the SanDisk of sandisk-portable-ssd.partial-lsusb-v-d.txt and nothing on framework-laptop-lsusb-v-no-mass-storage.txt", () => {
    const ssd = parseLsusb(fixtureText("linux/lsusb/sandisk-portable-ssd.partial-lsusb-v-d.txt")).devices;
    expect(usbStorageDevices({ lsusb: ssd })).toEqual([
      expect.objectContaining({ vendorId: "0781", productId: "55bb", serial: "323530333733343031393831", source: "lsusb" }),
    ]);
    expect(
      usbStorageDevices({ lsusb: parseLsusb(fixtureText("linux/lsusb/framework-laptop-lsusb-v-no-mass-storage.txt")).devices }),
    ).toEqual([]);
  });

  it("ignores USB devices that are not storage (ubuntu-lenovo-t430s-no-usb-storage.export-db.txt)", () => {
    expect(usbStorageDevices({ udev: udev("ubuntu-lenovo-t430s-no-usb-storage.export-db.txt") })).toEqual([]);
  });
});
