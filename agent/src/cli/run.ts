// `compliance-agent run`: the service. Composition root of the long-running agent.
import { readFile } from "node:fs/promises";
import { storableDevice } from "@wegroup/shared";
import type { StatePaths } from "../config.js";
import { CHECKS, liveChecks } from "../checks/registry.js";
import { describeDevice } from "../device.js";
import { createLogger } from "../logger.js";
import { AgentService } from "../service/agent-service.js";
import { statFingerprint, withFactCache } from "../service/fact-cache.js";
import { Triggers } from "../service/triggers.js";
import { loadDeviceKey, newDeviceKey, saveDeviceKey } from "../state/device-key.js";
import { insecureTransportProblem, loadEnrollment } from "../state/enrollment.js";
import type { DeviceKey } from "../state/device-key.js";
import { CliError } from "./errors.js";
import { livePlatform, machineFor, replayMachine } from "./machine.js";
import { enrollSilently } from "./silent-enroll.js";
import { SwitchableRunner } from "../runner/switchable.js";

export interface RunOptions {
  replay?: string;
}

/** Replay: every check this often (seconds), besides whenever the bundle changes. */
const REPLAY_EVERY = 60;
/** Live: facts reused while their files stand still are re-read at least this often. */
const FACTS_MAX_AGE_MS = 3_600_000;

export async function runCommand(options: RunOptions, paths: StatePaths): Promise<number> {
  // Silent enrollment: no credential yet, but an installer's or MDM's enrollment configuration (state/enroll-config.ts).
  const enrollment = (await loadEnrollment(paths.enrollment)) ?? (await enrollSilently(livePlatform(), process.env, paths, createLogger(), options.replay));
  if (enrollment === undefined) {
    throw new CliError("not_enrolled", `this device is not enrolled (no ${paths.enrollment}, no enrollment configuration). Run: compliance-agent enroll --server URL --secret SECRET`);
  }
  const insecure = insecureTransportProblem(enrollment.serverUrl);
  if (insecure !== undefined) throw new CliError("bad_request", `${paths.enrollment}: ${insecure} Enroll again with an https:// --server.`);
  const logger = createLogger().child({ deviceId: enrollment.deviceId });
  const deviceKey = await deviceKeyFor(enrollment.publicKey, paths.deviceKey, paths.enrollment);
  const ca = enrollment.caFile === undefined ? undefined : await readCaFile(enrollment.caFile, paths.enrollment);
  const machine = await machineFor(options.replay);
  // Replay: the bundle may be swapped while running; the service keeps one runner whose source changes.
  const runner = new SwitchableRunner(machine.runner);
  // Stored by the server as sent: text it can hold (a bundle or a registry value may carry NUL or broken UTF-16).
  const device = storableDevice(await describeDevice(machine.runner, machine.host));
  // Live: every registered check; one whose facts change only with some files (software) re-reads them when one changed (or hourly).
  const checks =
    options.replay === undefined
      ? liveChecks(CHECKS, machine.runner.platform, (check, files) => withFactCache(check, files, statFingerprint, Date.now, FACTS_MAX_AGE_MS))
      : CHECKS;
  const service = new AgentService({
    paths,
    enrollment,
    deviceKey,
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
    triggers.every(REPLAY_EVERY, CHECKS.map((check) => check.id), "interval");
  } else {
    for (const check of CHECKS) triggers.every(check.live.everySeconds, [check.id], "interval");
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

/**
 * The key this enrollment is bound to. An enrollment from before device keys has none: a key is made now and
 * offered in the hello, and the server binds it on first use (from then on the credential alone is refused).
 */
async function deviceKeyFor(boundPublicKey: string | undefined, keyPath: string, enrollmentPath: string): Promise<DeviceKey> {
  const stored = await loadDeviceKey(keyPath);
  if (boundPublicKey === undefined) {
    if (stored !== undefined) return stored;
    const made = newDeviceKey();
    await saveDeviceKey(keyPath, made.pem);
    return made.key;
  }
  if (stored === undefined) throw new CliError("not_enrolled", `the device key ${keyPath} is missing (${enrollmentPath} is bound to one). Enroll again: compliance-agent enroll --server URL --secret SECRET`);
  if (stored.publicKey !== boundPublicKey) throw new CliError("not_enrolled", `the device key ${keyPath} is not the one ${enrollmentPath} was enrolled with. Enroll again: compliance-agent enroll --server URL --secret SECRET`);
  return stored;
}

async function readCaFile(file: string, enrollmentPath: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new CliError("unavailable", `cannot read the CA certificate ${file} named in ${enrollmentPath} (${(error as NodeJS.ErrnoException).code ?? String(error)}); put it back or enroll again with --ca`);
  }
}
