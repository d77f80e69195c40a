// Builds the runner a command works through: this machine (live) or a recorded bundle (replay).
import { arch, hostname, release } from "node:os";
import { Platform } from "@wegroup/shared";
import type { HostFacts } from "../device.js";
import { SystemInformationRunner } from "../host/system-information.js";
import { LiveRunner, liveRunnerOptions } from "../runner/live.js";
import { ReplayRunner } from "../runner/replay.js";
import type { CommandRunner } from "../runner/runner.js";
import { listUsbDevices } from "../platform/node-usb.js";
import { CliError } from "./errors.js";
import { loadBundleFile } from "./inputs.js";

export interface Machine {
  runner: CommandRunner;
  host: HostFacts;
}

export function livePlatform(): Platform {
  const parsed = Platform.safeParse(process.platform);
  if (!parsed.success) throw new CliError("bad_request", `this agent runs on linux, darwin and win32, not ${process.platform}`);
  return parsed.data;
}

export function liveMachine(): Machine {
  // systeminformation answers through the runner too (device facts), so that collect records it and replay answers it.
  const runner = new SystemInformationRunner(new LiveRunner(liveRunnerOptions(livePlatform()), { usbDevices: listUsbDevices }));
  return { runner, host: { hostname: hostname(), arch: arch(), osRelease: release() } };
}

export async function replayMachine(bundlePath: string): Promise<Machine> {
  const bundle = await loadBundleFile(bundlePath);
  return { runner: new ReplayRunner(bundle), host: { hostname: bundle.hostname } };
}

export function machineFor(replay: string | undefined): Promise<Machine> {
  return replay === undefined ? Promise.resolve(liveMachine()) : replayMachine(replay);
}
