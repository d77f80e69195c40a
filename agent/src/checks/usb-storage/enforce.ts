// Enforcement when the policy says "eject": unmount and power off each offending device, through the runner.
import type { EnforcementAction, UsbStoragePolicy } from "@wegroup/shared";
import { firstSucceeding } from "../../runner/read-source.js";
import type { CommandRunner } from "../../runner/runner.js";
import { offendingDevices, usbSubject } from "./evaluate.js";
import type { UsbFacts, UsbStorageDevice } from "./facts.js";

/** The commands that eject one device on its OS, in order; each must succeed for the next to run. */
export function ejectPlan(platform: CommandRunner["platform"], device: UsbStorageDevice): string[][] {
  if (platform === "linux") {
    const disk = device.name.startsWith("/dev/") ? device.name : `/dev/${device.name}`;
    return [...device.mountpoints.map((m) => ["umount", m]), ["udisksctl", "power-off", "--no-user-interaction", "-b", disk]];
  }
  if (platform === "darwin") {
    const disk = device.name.startsWith("/dev/") ? device.name : `/dev/${device.name}`;
    return [["diskutil", "eject", disk]];
  }
  // Windows: take every volume of the disk offline, then ask the shell to eject it (what "Safely remove" does).
  const number = /(\d+)$/.exec(device.name)?.[1];
  const script =
    number === undefined
      ? `throw "no disk number for ${device.name.replace(/"/g, "")}"`
      : `$ErrorActionPreference='Stop'; Get-Partition -DiskNumber ${number} | Where-Object DriveLetter | ForEach-Object { $l=$_.DriveLetter; (New-Object -ComObject Shell.Application).Namespace(17).ParseName("$($l):").InvokeVerb('Eject') }; Set-Disk -Number ${number} -IsOffline $true`;
  return [["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", script]];
}

export async function enforceUsbStorage(
  facts: UsbFacts,
  policy: UsbStoragePolicy,
  runner: CommandRunner,
  shouldAct: (subject: string) => boolean = () => true,
): Promise<EnforcementAction[]> {
  if (policy.allowed || policy.enforce !== "eject") return [];
  const offending = offendingDevices(facts, policy).filter((d) => d.builtIn !== true && shouldAct(usbSubject(d)));
  const actions: EnforcementAction[] = [];
  for (const device of offending) actions.push(await eject(device, runner));
  return actions;
}

async function eject(device: UsbStorageDevice, runner: CommandRunner): Promise<EnforcementAction> {
  const subject = usbSubject(device);
  if (!hasBlockDevice(runner.platform, device.name)) {
    return {
      check: "usb-storage",
      subject,
      action: "eject",
      ok: false,
      detail: `no block device to eject for ${device.name} (seen only on the USB bus)`,
    };
  }
  const done: string[] = [];
  for (const argv of ejectPlan(runner.platform, device)) {
    const step = argv.slice(0, 2).join(" ");
    const ran = await firstSucceeding(runner, [argv], { timeoutMs: 30_000, label: step });
    if (!ran.ok) {
      return {
        check: "usb-storage",
        subject,
        action: "eject",
        ok: false,
        detail: `${[...done, `${step} failed: ${ran.reason}`].join("; ")}`.slice(0, 2_000),
      };
    }
    done.push(`${step} ok`);
  }
  return { check: "usb-storage", subject, action: "eject", ok: true, detail: `ejected ${device.name}: ${done.join("; ")}` };
}

/** A device seen only on the USB side (sysfs path, "USB device vvvv:pppp") has no disk to unmount or power off. */
function hasBlockDevice(platform: CommandRunner["platform"], name: string): boolean {
  if (platform === "win32") return /\d+$/.test(name);
  if (name.startsWith("/sys/") || name.includes(" ")) return false;
  return name.startsWith("/dev/") || /^[a-z]+[0-9a-z]*$/i.test(name);
}
