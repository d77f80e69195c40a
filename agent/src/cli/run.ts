// `compliance-agent run`: the service. Composition root of the long-running agent.
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { storableDevice } from "@wegroup/shared";
import type { StatePaths } from "../config.js";
import { CHECKS, checksWokenBy, liveChecks } from "../checks/registry.js";
import { describeDevice } from "../device.js";
import { createLogger } from "../logger.js";
import { readDeviceFacts } from "../host/device-facts.js";
import { ViolationNotifier } from "../notify/notifier.js";
import { AgentService } from "../service/agent-service.js";
import { timerScheduler } from "../service/channel.js";
import { Connection } from "../service/connection.js";
import { statFingerprint, withFactCache } from "../service/fact-cache.js";
import { Triggers } from "../service/triggers.js";
import { readBootId, readOsState } from "../platform/presence.js";
import { watchLogindSleep } from "../platform/linux/sleep-watch.js";
import { asksOs, goodbyeReason, parseControlLine, type StopCause } from "../service/presence.js";
import { loadRunRecord, saveRunRecord, takeReasonFile } from "../service/run-record.js";
import { loadDeviceKey, newDeviceKey, saveDeviceKey } from "../state/device-key.js";
import { agentChannelUrl, insecureTransportProblem, loadEnrollment } from "../state/enrollment.js";
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
  const enrollment =
    (await loadEnrollment(paths.enrollment)) ?? (await enrollSilently(livePlatform(), process.env, paths, createLogger(), options.replay));
  if (enrollment === undefined) {
    throw new CliError(
      "not_enrolled",
      `this device is not enrolled (no ${paths.enrollment}, no enrollment configuration). Run: compliance-agent enroll --server URL --secret SECRET`,
    );
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
  // Model, serial, OS release: for the asset list, sent in every hello.
  const deviceFacts = await readDeviceFacts(machine.runner);
  // Live: every registered check; one whose facts change only with some files (software) re-reads them when one changed (or hourly).
  const checks =
    options.replay === undefined
      ? liveChecks(CHECKS, machine.runner.platform, (check, files) =>
          withFactCache(check, files, statFingerprint, Date.now, FACTS_MAX_AGE_MS),
        )
      : CHECKS;
  // Read from the bundle under --replay (/proc/sys/kernel/random/boot_id of a Linux bundle): tests and demos set it there.
  const bootId = await readBootId(machine.runner);
  const previousRun = await loadRunRecord(paths.runRecord, logger);
  // Through the runner like every command: replayed (and so recorded, not shown) in a replay.
  const notifier = await ViolationNotifier.open({ runner, statePath: paths.notified, logger, clock: () => new Date() });
  const service = new AgentService({
    notifier,
    deviceFacts,
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
    openChannel: (hello) =>
      new Connection({
        url: agentChannelUrl(enrollment.serverUrl),
        ...(ca !== undefined ? { ca } : {}),
        hello,
        logger,
        backoff: { baseMs: 1_000, capMs: 60_000 },
        random: Math.random,
      }),
    scheduler: timerScheduler,
    bootId,
    previousRun,
    saveRun: (record, durable) => saveRunRecord(paths.runRecord, record, durable),
  });
  const triggers = new Triggers(logger);
  triggers.on("check", (checks, why) => {
    void service
      .requestChecks(checks, why)
      .catch((error: unknown) => logger.error({ err: (error as Error).message, why }, "a check run failed"));
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
        (error: unknown) =>
          logger.error({ err: (error as Error).message }, "the replayed bundle changed but cannot be read; keeping the previous one"),
      );
    });
    triggers.every(
      REPLAY_EVERY,
      CHECKS.map((check) => check.id),
      "interval",
    );
  } else {
    for (const check of CHECKS) triggers.every(check.live.everySeconds, [check.id], "interval");
    const onUsb = checksWokenBy(CHECKS, "usb-hotplug");
    if (onUsb.length > 0) await triggers.usbHotplug(onUsb, 300);
    const onMounts = checksWokenBy(CHECKS, "mount-table");
    if (machine.runner.platform === "linux" && onMounts.length > 0) triggers.watchMounts("/proc/self/mounts", onMounts, 1_000, 200);
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stops: (() => void)[] = [];
    const stop = (cause: StopCause): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ cause }, "stopping");
      triggers.stop();
      for (const s of stops.splice(0)) s();
      goodbyeFor(cause).then(
        (reason) => service.stop(reason).then(resolve, resolve),
        () => service.stop().then(resolve, resolve),
      );
    };
    /** The reason file (package scripts) wins; a signal asks the OS whether it is shutting down (through the runner: a bundle can say so). */
    const goodbyeFor = async (cause: StopCause) => {
      const file = await takeReasonFile(paths.goodbyeReason, logger);
      const os = file === undefined && asksOs(cause) ? await readOsState(runner) : "unknown";
      const reason = goodbyeReason(file, cause, os);
      logger.info({ reason, cause: cause.kind, os, reasonFile: file !== undefined }, `saying goodbye: ${reason}`);
      return reason;
    };
    const onSleep = (event: "sleep" | "resume"): void => {
      if (stopping) return;
      if (event === "resume") service.resume();
      else void service.suspend().catch((error: unknown) => logger.warn({ err: (error as Error).message }, "the sleep goodbye failed"));
    };
    process.once("SIGTERM", () => stop({ kind: "signal", signal: "SIGTERM" }));
    process.once("SIGINT", () => stop({ kind: "signal", signal: "SIGINT" }));
    if (process.env.COMPLIANCE_AGENT_CONTROL === "stdin") {
      // The service host (Windows) speaks on stdin: stop <reason>, sleep, resume; its end means the host is gone.
      const lines = createInterface({ input: process.stdin });
      lines.on("line", (line) => {
        const command = parseControlLine(line);
        if (command.kind === "stop") stop({ kind: "control", reason: command.reason });
        else if (command.kind === "sleep" || command.kind === "resume") onSleep(command.kind);
        else logger.warn({ line: command.line }, "ignored an unknown control line");
      });
      lines.on("close", () => stop({ kind: "host-gone" }));
      stops.push(() => {
        lines.removeAllListeners("close");
        lines.close();
        process.stdin.destroy();
      });
    }
    if (options.replay === undefined && machine.runner.platform === "linux") stops.push(watchLogindSleep(logger, onSleep));
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
  if (stored === undefined)
    throw new CliError(
      "not_enrolled",
      `the device key ${keyPath} is missing (${enrollmentPath} is bound to one). Enroll again: compliance-agent enroll --server URL --secret SECRET`,
    );
  if (stored.publicKey !== boundPublicKey)
    throw new CliError(
      "not_enrolled",
      `the device key ${keyPath} is not the one ${enrollmentPath} was enrolled with. Enroll again: compliance-agent enroll --server URL --secret SECRET`,
    );
  return stored;
}

async function readCaFile(file: string, enrollmentPath: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new CliError(
      "unavailable",
      `cannot read the CA certificate ${file} named in ${enrollmentPath} (${(error as NodeJS.ErrnoException).code ?? String(error)}); put it back or enroll again with --ca`,
    );
  }
}
