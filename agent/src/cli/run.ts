// `compliance-agent run`: the service. Composition root of the long-running agent.
import { readFile } from "node:fs/promises";
import { storableDevice } from "@wegroup/shared";
import type { StatePaths } from "../config.js";
import { CHECKS } from "../checks/registry.js";
import { screenLockCheck } from "../checks/screen-lock/index.js";
import { softwareCheck } from "../checks/software/index.js";
import { usbStorageCheck } from "../checks/usb-storage/index.js";
import { describeDevice } from "../device.js";
import { createLogger } from "../logger.js";
import { AgentService } from "../service/agent-service.js";
import { PACKAGE_DATABASES, statFingerprint, withFactCache } from "../service/fact-cache.js";
import { Triggers } from "../service/triggers.js";
import { loadEnrollment } from "../state/enrollment.js";
import { CliError } from "./errors.js";
import { machineFor, replayMachine } from "./machine.js";
import { SwitchableRunner } from "../runner/switchable.js";

export interface RunOptions {
  replay?: string;
}

/** Intervals of the checks that have no event to wake them (seconds). */
const SCREEN_LOCK_EVERY = 60;
const SOFTWARE_EVERY = 300;
const USB_SAFETY_EVERY = 60;

export async function runCommand(options: RunOptions, paths: StatePaths): Promise<number> {
  const enrollment = await loadEnrollment(paths.enrollment);
  if (enrollment === undefined) {
    throw new CliError("not_enrolled", `this device is not enrolled (no ${paths.enrollment}). Run: compliance-agent enroll --server URL --secret SECRET`);
  }
  const logger = createLogger().child({ deviceId: enrollment.deviceId });
  const ca = enrollment.caFile === undefined ? undefined : await readFile(enrollment.caFile);
  const machine = await machineFor(options.replay);
  // Replay: the bundle may be swapped while running; the service keeps one runner whose source changes.
  const runner = new SwitchableRunner(machine.runner);
  // Stored by the server as sent: text it can hold (a bundle or a registry value may carry NUL or broken UTF-16).
  const device = storableDevice(await describeDevice(machine.runner, machine.host));
  // Live: the software inventory is re-read only when a package database changed (or hourly).
  const checks =
    options.replay === undefined
      ? [screenLockCheck, usbStorageCheck, withFactCache(softwareCheck, PACKAGE_DATABASES[machine.runner.platform], statFingerprint, Date.now, 3_600_000)]
      : CHECKS;
  const service = new AgentService({
    paths,
    enrollment,
    runner,
    device,
    checks,
    logger,
    clock: () => new Date(),
    random: Math.random,
    mode: options.replay === undefined ? "live" : "replay",
    ...(ca !== undefined ? { ca } : {}),
  });
  const triggers = new Triggers(logger);
  triggers.on("check", (checks, why) => {
    void service.requestChecks(checks, why).catch((error: unknown) => logger.error({ err: (error as Error).message, why }, "a check run failed"));
  });
  await service.start();
  if (options.replay !== undefined) {
    const bundlePath = options.replay;
    triggers.watchFile(bundlePath, 50, () => {
      replayMachine(bundlePath).then(
        (next) => {
          runner.replace(next.runner);
          void service.requestChecks("all", `${bundlePath} changed`);
        },
        (error: unknown) => logger.error({ err: (error as Error).message }, "the replayed bundle changed but cannot be read; keeping the previous one"),
      );
    });
    triggers.every(SCREEN_LOCK_EVERY, ["screen-lock", "usb-storage", "software"], "interval");
  } else {
    triggers.every(SCREEN_LOCK_EVERY, ["screen-lock"], "interval");
    triggers.every(SOFTWARE_EVERY, ["software"], "interval");
    triggers.every(USB_SAFETY_EVERY, ["usb-storage"], "interval");
    await triggers.usbHotplug(300);
    if (machine.runner.platform === "linux") triggers.watchMounts("/proc/self/mounts", 1_000, 200);
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, "stopping");
      triggers.stop();
      service.stop().then(resolve, resolve);
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  return 0;
}
