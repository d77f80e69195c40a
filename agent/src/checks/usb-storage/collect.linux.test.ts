import { DEFAULT_POLICY, UsbStoragePolicy } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { SourceUnavailableError, type UsbDeviceDescriptor } from "../../runner/runner.js";
import { collectReadingDeclared, ReadRecorder, undeclaredReads } from "../../testing/declared-sources.js";
import { fakeRunner, type FakeCommand } from "../../testing/fake-runner.js";
import { fixtureText } from "../../testing/fixtures.js";
import {
  collectUsbStorageLinux,
  LSBLK_JSON,
  LSBLK_PAIRS,
  LSBLK_PAIRS_MINIMAL,
  LSUSB_VERBOSE,
  PROC_MOUNTS,
  UDEVADM_EXPORT_DB,
} from "./collect.linux.js";
import { evaluateUsbStorage } from "./evaluate.js";
import type { UsbFacts } from "./facts.js";

const policy = DEFAULT_POLICY.usbStorage;
const verdict = (facts: UsbFacts) => evaluateUsbStorage(facts, policy);

/** What util-linux < 2.37 answers to the JSON form (no MOUNTPOINTS), and < 2.23 to the pairs form (no TRAN). */
const NO_MOUNTPOINTS: FakeCommand = { argv: LSBLK_JSON, exitCode: 1, stderr: "lsblk: unknown column: MOUNTPOINTS\n" };
const NO_JSON: FakeCommand = { argv: LSBLK_JSON, exitCode: 1, stderr: "lsblk: invalid option -- 'J'\n" };
const NO_TRAN: FakeCommand = { argv: LSBLK_PAIRS, exitCode: 1, stderr: "lsblk: unknown column: PKNAME\n" };

const udevadm = (file: string): FakeCommand => ({ argv: UDEVADM_EXPORT_DB, stdout: fixtureText(`linux/udevadm/${file}`) });

/** /sys/bus/usb/devices of a machine with only root hubs and a keyboard. */
const SYSFS_NO_STORAGE = {
  "/sys/bus/usb/devices/1-0:1.0/bInterfaceClass": "09\n",
  "/sys/bus/usb/devices/1-2:1.0/bInterfaceClass": "03\n",
};

/** Every scenario also checks that the collector read only what its `sources` declare. */
async function collect(commands: FakeCommand[], files: Record<string, string> = {}): Promise<UsbFacts> {
  return collectReadingDeclared(collectUsbStorageLinux, fakeRunner("linux", commands, files));
}

describe("collectUsbStorageLinux from udev's database", () => {
  it.each([
    ["ubuntu-dell-latitude-e6430-adata-usb-stick.export-db.txt", "fail", ["0000000000000505"]],
    ["ubuntu-hp-elitebook-835-g10-one-usb-stick.export-db.txt", "fail", ["071C395B848A2D24"]],
    ["ubuntu-dell-vostro-3460-internal-usb-card-reader-only.export-db.txt", "pass", []],
    ["ubuntu-lenovo-t430s-no-usb-storage.export-db.txt", "pass", []],
  ])("judges %s: %s %j", async (file, status, subjects) => {
    const facts = await collect([NO_MOUNTPOINTS, udevadm(file)], { [PROC_MOUNTS]: "/dev/sda2 / ext4 rw 0 0\n", ...SYSFS_NO_STORAGE });
    const result = verdict(facts);
    expect(result.status).toBe(status);
    expect(result.violations.map((v) => v.subject)).toEqual(subjects);
  });

  it("names the stick in the violation: vendor, ids, where it is mounted, which sources saw it", async () => {
    const facts = await collect([NO_MOUNTPOINTS, udevadm("ubuntu-dell-latitude-e6430-adata-usb-stick.export-db.txt")], {
      [PROC_MOUNTS]: "/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /media/user/PENDRIVE vfat rw,nosuid,nodev 0 0\n",
      ...SYSFS_NO_STORAGE,
    });
    expect(verdict(facts).violations).toEqual([
      {
        subject: "0000000000000505",
        message: "USB mass-storage device ADATA USB Flash Drive [125f:312b] is mounted at /media/user/PENDRIVE (/dev/sdb, seen by udevadm)",
        observed: "ADATA USB Flash Drive [125f:312b] mounted at /media/user/PENDRIVE",
        expected: "no USB mass-storage device attached or mounted",
      },
    ]);
    // lsblk answered "unknown column" to the JSON form and nothing else was recorded.
    expect(facts.missingSources).toEqual(["lsblk: exit code 1: lsblk: unknown column: MOUNTPOINTS"]);
  });

  it("passes the stick when IT excepted its vendor and product", async () => {
    const facts = await collect([udevadm("ubuntu-hp-elitebook-835-g10-one-usb-stick.export-db.txt")]);
    expect(evaluateUsbStorage(facts, UsbStoragePolicy.parse({ exceptions: [{ vendorId: "13FE", productId: "0x6700" }] })).status).toBe(
      "pass",
    );
  });
});

describe("collectUsbStorageLinux from lsblk of every util-linux age", () => {
  it("fails on the SanDisk of rockstor-hyperv-host-sandisk-usb-stick.pairs.txt when JSON lacks MOUNTPOINTS and pairs answer", async () => {
    const facts = await collect([
      NO_MOUNTPOINTS,
      { argv: LSBLK_PAIRS, stdout: fixtureText("linux/lsblk/rockstor-hyperv-host-sandisk-usb-stick.pairs.txt") },
    ]);
    const result = verdict(facts);
    expect(result.status).toBe("fail");
    expect(result.violations).toEqual([
      expect.objectContaining({
        subject: expect.stringMatching(/^01016c73/),
        message: expect.stringContaining("USB SanDisk 3.2Gen1 is attached, not mounted (/dev/sdd"),
      }),
    ]);
  });

  it("fails on the mounted stick of ubuntu-14.04-usb-stick-mounted-pairs-all.txt (util-linux 2.20: no JSON, no TRAN)", async () => {
    const facts = await collect([
      NO_JSON,
      NO_TRAN,
      { argv: LSBLK_PAIRS_MINIMAL, stdout: fixtureText("linux/lsblk/ubuntu-14.04-usb-stick-mounted-pairs-all.txt") },
    ]);
    expect(verdict(facts).violations).toEqual([
      expect.objectContaining({ subject: "/dev/sdd", observed: "USB storage device mounted at /media/<username>/85CA-6700" }),
    ]);
  });

  it.each([
    ["debian-12-container-vm-lsblk-J-selected-columns.json", LSBLK_JSON],
    ["debian-12-container-vm-lsblk-J-b-selected-columns-mountpoint-singular.json", LSBLK_JSON],
    ["debian-12-container-vm-lsblk-P-selected-columns.txt", LSBLK_PAIRS],
    ["ubuntu-18.04-vm-default-columns.txt", LSBLK_PAIRS],
    ["centos-7.7-vm-all-columns-O.txt", LSBLK_PAIRS],
  ])("passes the clean VM of %s and names what it could not read", async (file, argv) => {
    const facts = await collect([...(argv === LSBLK_JSON ? [] : [NO_MOUNTPOINTS]), { argv, stdout: fixtureText(`linux/lsblk/${file}`) }], {
      [PROC_MOUNTS]: "/dev/vda / ext4 rw 0 0\n",
    });
    const result = verdict(facts);
    expect(result).toMatchObject({ status: "pass", violations: [] });
    expect(facts.missingSources).toEqual([
      "udevadm info --export-db: not recorded",
      "/sys/bus/usb/devices: not recorded",
      "lsusb -v: not recorded",
    ]);
    expect(result.reason).toBe(
      "not available here: udevadm info --export-db: not recorded; /sys/bus/usb/devices: not recorded; lsusb -v: not recorded",
    );
  });
});

describe("collectUsbStorageLinux from the USB side", () => {
  it("falls back to lsusb -v without sysfs and fails on sandisk-portable-ssd.partial-lsusb-v-d.txt", async () => {
    const facts = await collect([{ argv: LSUSB_VERBOSE, stdout: fixtureText("linux/lsusb/sandisk-portable-ssd.partial-lsusb-v-d.txt") }]);
    expect(verdict(facts).violations.map((v) => v.subject)).toEqual(["323530333733343031393831"]);
    expect(facts.missingSources).toContain("/sys/bus/usb/devices: not recorded");
  });

  it("passes framework-laptop-lsusb-v-no-mass-storage.txt through the same fallback", async () => {
    const facts = await collect([{ argv: LSUSB_VERBOSE, stdout: fixtureText("linux/lsusb/framework-laptop-lsusb-v-no-mass-storage.txt") }]);
    expect(verdict(facts).status).toBe("pass");
  });

  it("uses libusb's list when the runner has one, and says so when it cannot list", async () => {
    const stick: UsbDeviceDescriptor = {
      vendorId: "0781",
      productId: "5581",
      serial: "4C530001130115117412",
      interfaceClasses: [8],
      busNumber: 1,
      portPath: "4",
    };
    const withList = Object.assign(fakeRunner("linux", [udevadm("ubuntu-lenovo-t430s-no-usb-storage.export-db.txt")]), {
      usbDevices: () => Promise.resolve([stick]),
    });
    expect(verdict(await collectReadingDeclared(collectUsbStorageLinux, withList)).violations.map((v) => v.subject)).toEqual([
      "4C530001130115117412",
    ]);
    const cannot = Object.assign(fakeRunner("linux", [udevadm("ubuntu-lenovo-t430s-no-usb-storage.export-db.txt")]), {
      usbDevices: () => Promise.resolve(undefined),
    });
    expect((await collectReadingDeclared(collectUsbStorageLinux, cannot)).missingSources).toContain(
      "USB device list from libusb: cannot list USB devices here",
    );
  });
});

describe("collectUsbStorageLinux when sources fail", () => {
  it("is unknown, naming every source, when nothing that lists devices could be read", async () => {
    const run = collect(
      [
        { argv: LSBLK_JSON, exitCode: 127 },
        { argv: UDEVADM_EXPORT_DB, exitCode: 127 },
        { argv: LSUSB_VERBOSE, exitCode: 127 },
      ],
      { [PROC_MOUNTS]: "proc /proc proc rw 0 0\n" },
    );
    await expect(run).rejects.toThrow(SourceUnavailableError);
    await expect(run).rejects.toThrow(
      "lsblk: not installed; udevadm info --export-db: not installed; /sys/bus/usb/devices: not recorded; lsusb -v: not installed",
    );
  });

  it("names a failing udevadm with its message", async () => {
    const facts = await collect([
      { argv: LSBLK_JSON, stdout: fixtureText("linux/lsblk/debian-12-container-vm-lsblk-J-selected-columns.json") },
      { argv: UDEVADM_EXPORT_DB, exitCode: 1, stderr: "Failed to scan devices: No such file or directory\n" },
    ]);
    expect(facts.missingSources[0]).toBe("udevadm info --export-db: exit code 1: Failed to scan devices: No such file or directory");
  });

  it("is a ParseError, not half a result, when lsblk answers garbage", async () => {
    await expect(collect([{ argv: LSBLK_JSON, stdout: '{"blockdevices": [{"name": "sda", "rm": "perhaps"}]}' }])).rejects.toThrow(
      ParseError,
    );
  });
});

describe("collectUsbStorageLinux.sources", () => {
  it("lists every command, file and directory the collector reads, with placeholders for the USB device names", async () => {
    const files = {
      "/sys/bus/usb/devices/1-0:1.0/bInterfaceClass": "09\n",
      "/sys/bus/usb/devices/1-4:1.0/bInterfaceClass": "08\n",
      "/sys/bus/usb/devices/1-4/idVendor": "0781\n",
    };
    const recorder = new ReadRecorder(
      fakeRunner(
        "linux",
        [
          NO_MOUNTPOINTS,
          NO_TRAN,
          udevadm("ubuntu-lenovo-t430s-no-usb-storage.export-db.txt"),
          { argv: ["findmnt"], stdout: fixtureText("linux/findmnt/centos-7.7-vm-findmnt-tree.txt") },
        ],
        files,
      ),
    );
    await collectUsbStorageLinux.collect(recorder);
    // A path template matches any USB device or interface name where it has a placeholder.
    expect(undeclaredReads(collectUsbStorageLinux.sources, recorder.reads)).toEqual([]);
    expect(recorder.reads).toEqual(
      expect.arrayContaining([
        { kind: "command", argv: [...LSBLK_PAIRS_MINIMAL] },
        { kind: "command", argv: ["findmnt"] },
        { kind: "file", path: "/sys/bus/usb/devices/1-4/idVendor" },
      ]),
    );
  });
});
