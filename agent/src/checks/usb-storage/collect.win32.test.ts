import { DEFAULT_POLICY, Policy } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { collectReadingDeclared, ReadRecorder, undeclaredReads } from "../../testing/declared-sources.js";
import { fakeRunner, type FakeCommand } from "../../testing/fake-runner.js";
import { fixtureText } from "../../testing/fixtures.js";
import { runCheck } from "../engine.js";
import {
  WIN32_DISK_DRIVE,
  WIN32_GET_DISK,
  WIN32_PARTITIONS,
  WIN32_USB_STORAGE_FUNCTIONS,
  collectUsbStorageWin32,
} from "./collect.win32.js";
import { evaluateUsbStorage } from "./evaluate.js";
import { usbStorageCheck } from "./index.js";

const RECORDED_DISKS = fixtureText("windows/get-disk/en-winserver-vmware-sas-selectstar-excerpt.txt");
const RECORDED_DRIVES = fixtureText("windows/win32-diskdrive/en-winserver-vmware-scsi-selectstar-excerpt.txt");
// Derived: the recorded VMware server with a SanDisk stick added (see fixtures/windows/INDEX.md).
const DISKS_WITH_STICK = fixtureText("windows/get-disk/en-winserver-vmware-sas-plus-sandisk-usb-stick.derived.json");
const DRIVES_WITH_STICK = fixtureText("windows/win32-diskdrive/en-winserver-vmware-scsi-plus-sandisk-usb-stick.derived.json");
const PARTITIONS = JSON.stringify([
  { DiskNumber: 0, PartitionNumber: 2, DriveLetter: "C", AccessPaths: ["C:\\", "\\\\?\\Volume{00000000-0000-0000-0000-000000000002}\\"] },
  { DiskNumber: 1, PartitionNumber: 1, DriveLetter: "E", AccessPaths: ["E:\\", "\\\\?\\Volume{00000000-0000-0000-0000-000000000011}\\"] },
]);
const USB_FUNCTIONS = JSON.stringify({
  PNPDeviceID: "USB\\VID_0781&PID_5567\\4C530001230514117424",
  Name: "USB Mass Storage Device",
  Service: "USBSTOR",
});

const stickMachine = (extra: FakeCommand[] = []): FakeCommand[] => [
  { argv: WIN32_GET_DISK, stdout: DISKS_WITH_STICK },
  { argv: WIN32_DISK_DRIVE, stdout: DRIVES_WITH_STICK },
  ...extra,
];

describe("collectUsbStorageWin32", () => {
  it("passes the recorded server: its only disk is SAS/SCSI (Format-List output read as well as JSON)", async () => {
    const runner = fakeRunner("win32", [
      { argv: WIN32_GET_DISK, stdout: RECORDED_DISKS },
      { argv: WIN32_DISK_DRIVE, stdout: RECORDED_DRIVES },
    ]);
    const facts = await collectReadingDeclared(collectUsbStorageWin32, runner);
    expect(facts).toEqual({ devices: [], missingSources: [] });
    expect(evaluateUsbStorage(facts, DEFAULT_POLICY.usbStorage).status).toBe("pass");
  });

  it("fails with the stick, mounted at E:, with its USB ids and serial", async () => {
    const runner = fakeRunner(
      "win32",
      stickMachine([
        { argv: WIN32_PARTITIONS, stdout: PARTITIONS },
        { argv: WIN32_USB_STORAGE_FUNCTIONS, stdout: USB_FUNCTIONS },
      ]),
    );
    const facts = await collectReadingDeclared(collectUsbStorageWin32, runner);
    expect(facts.devices).toEqual([
      {
        name: "\\\\.\\PHYSICALDRIVE1",
        serial: "4C530001230514117424",
        vendor: "SanDisk",
        model: "Cruzer Blade",
        vendorId: "0781",
        productId: "5567",
        sizeBytes: 16008609792,
        mediaPresent: true,
        mountpoints: ["E:\\"],
        source: "Get-Disk, Win32_DiskDrive",
      },
    ]);
    const result = evaluateUsbStorage(facts, DEFAULT_POLICY.usbStorage);
    expect(result.status).toBe("fail");
    expect(result.violations[0]).toMatchObject({
      subject: "4C530001230514117424",
      observed: "SanDisk Cruzer Blade [0781:5567] mounted at E:\\",
    });
  });

  it("lets an exception by vendor and product id through (ids only Win32_PnPEntity knows)", async () => {
    const runner = fakeRunner("win32", stickMachine([{ argv: WIN32_USB_STORAGE_FUNCTIONS, stdout: USB_FUNCTIONS }]));
    const policy = Policy.parse({
      ...DEFAULT_POLICY,
      usbStorage: { allowed: false, enforce: "report", exceptions: [{ vendorId: "0781", productId: "5567" }] },
    });
    const result = await runCheck(usbStorageCheck, runner, policy);
    expect(result.status).toBe("pass");
  });

  it("still fails, without drive letter or ids, when the optional sources were not recorded", async () => {
    const facts = await collectReadingDeclared(collectUsbStorageWin32, fakeRunner("win32", stickMachine()));
    expect(facts.devices).toHaveLength(1);
    expect(facts.devices[0]).toMatchObject({ mountpoints: [], serial: "4C530001230514117424" });
    expect(facts.devices[0]?.vendorId).toBeUndefined();
    expect(facts.missingSources).toEqual([]);
  });

  it("finds the stick from Win32_DiskDrive alone when Get-Disk fails, and says Get-Disk was missing", async () => {
    const runner = fakeRunner("win32", [
      { argv: WIN32_GET_DISK, exitCode: 1, stderr: "Get-Disk : The term 'Get-Disk' is not recognized as the name of a cmdlet" },
      { argv: WIN32_DISK_DRIVE, stdout: DRIVES_WITH_STICK },
    ]);
    const result = await runCheck(usbStorageCheck, runner, DEFAULT_POLICY);
    expect(result).toMatchObject({
      status: "fail",
      reason: expect.stringMatching(/Get-Disk: exit code 1: Get-Disk : The term 'Get-Disk' is not recognized/),
    });
  });

  it("is unknown when neither disk list can be read", async () => {
    const result = await runCheck(usbStorageCheck, fakeRunner("win32", []), DEFAULT_POLICY);
    expect(result).toMatchObject({ status: "unknown", reason: expect.stringMatching(/neither disk list could be read/) });
  });

  it.each([
    ["Get-Disk JSON cut short", WIN32_GET_DISK, DISKS_WITH_STICK.slice(0, 150)],
    ["Win32_DiskDrive empty", WIN32_DISK_DRIVE, ""],
  ])("is unknown, naming the source, for %s (never a pass)", async (_what, argv, stdout) => {
    const commands = stickMachine().filter((c) => c.argv !== argv);
    const result = await runCheck(usbStorageCheck, fakeRunner("win32", [...commands, { argv, stdout }]), DEFAULT_POLICY);
    expect(result.status).toBe("unknown");
    expect(result.reason).toMatch(argv === WIN32_GET_DISK ? /Get-Disk/ : /Win32_DiskDrive/);
  });

  it("keeps the verdict when an optional source is garbage", async () => {
    const facts = await collectReadingDeclared(
      collectUsbStorageWin32,
      fakeRunner("win32", stickMachine([{ argv: WIN32_PARTITIONS, stdout: "garbage" }])),
    );
    expect(facts.devices).toHaveLength(1);
  });

  it("reads only the sources it declares", async () => {
    const recorder = new ReadRecorder(
      fakeRunner(
        "win32",
        stickMachine([
          { argv: WIN32_PARTITIONS, stdout: PARTITIONS },
          { argv: WIN32_USB_STORAGE_FUNCTIONS, stdout: USB_FUNCTIONS },
        ]),
      ),
    );
    await collectUsbStorageWin32.collect(recorder);
    expect(undeclaredReads(collectUsbStorageWin32.sources, recorder.reads)).toEqual([]);
    expect(recorder.reads).toHaveLength(4);
  });

  it("lists every command it runs in its sources, in PowerShell's JSON form", () => {
    const argvs = collectUsbStorageWin32.sources.map((s) => (s.kind === "command" ? s.argv : []));
    expect(argvs).toEqual([WIN32_GET_DISK, WIN32_DISK_DRIVE, WIN32_PARTITIONS, WIN32_USB_STORAGE_FUNCTIONS]);
    for (const argv of argvs) {
      expect(argv.slice(0, 4)).toEqual(["powershell.exe", "-NoProfile", "-NonInteractive", "-Command"]);
      expect(argv[4]).toMatch(/\| ConvertTo-Json -Depth 4 -Compress$/);
      // Double quotes would need escaping through CreateProcess; the scripts use none.
      expect(argv[4]).not.toContain('"');
    }
  });
});
