// What the OS says about presence, read through the runner (so a replayed bundle answers it too): the boot id, and
// whether the OS is shutting down while the agent is told to stop.
import type { Platform } from "@wegroup/shared";
import { decodeText } from "../runner/decode.js";
import { fileBytes, runCommand, valueOr } from "../runner/read-source.js";
import type { CommandRunner } from "../runner/runner.js";
import type { SourceSpec } from "../checks/types.js";
import { darwinShutdownState, type OsState, parseBootId, systemdState } from "../service/presence.js";
import { decodeWindowsOutput } from "./win32/windows-text.js";

export const LINUX_BOOT_ID = "/proc/sys/kernel/random/boot_id";
export const DARWIN_BOOT_ID = ["sysctl", "-n", "kern.bootsessionuuid"] as const;
/** Windows has no boot id: the last boot time (UTC, to the second) names the boot. */
export const WIN32_BOOT_TIME = [
  "powershell.exe",
  "-NoProfile",
  "-NonInteractive",
  "-Command",
  "(Get-CimInstance -ClassName Win32_OperatingSystem).LastBootUpTime.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')",
] as const;
export const SYSTEMD_STATE = ["systemctl", "is-system-running"] as const;
export const DARWIN_WILL_SHUTDOWN = ["sysctl", "-n", "kern.willshutdown"] as const;

/** What the service reads about presence per OS (besides the checks' sources), as `sources` lists it. */
export const PRESENCE_SOURCES: Readonly<Record<Platform, readonly SourceSpec[]>> = {
  linux: [
    { kind: "file", path: LINUX_BOOT_ID, what: "the OS boot id, sent in every hello", optional: true },
    {
      kind: "command",
      argv: SYSTEMD_STATE,
      what: "at a stop: `stopping` means the OS shuts down (goodbye system-shutdown)",
      optional: true,
    },
  ],
  darwin: [
    { kind: "command", argv: DARWIN_BOOT_ID, what: "the OS boot id, sent in every hello", optional: true },
    {
      kind: "command",
      argv: DARWIN_WILL_SHUTDOWN,
      what: "at a stop: 1 means the OS shuts down or restarts (goodbye system-shutdown)",
      optional: true,
    },
  ],
  win32: [{ kind: "command", argv: WIN32_BOOT_TIME, what: "the last boot time, sent in every hello as the boot id", optional: true }],
};

/** The OS boot this process runs in, or undefined when it cannot be read (then the server cannot judge a gap). */
export async function readBootId(runner: CommandRunner): Promise<string | undefined> {
  try {
    switch (runner.platform) {
      case "linux": {
        const bytes = valueOr(await fileBytes(runner, LINUX_BOOT_ID));
        return bytes === undefined ? undefined : parseBootId(decodeText(bytes));
      }
      case "darwin": {
        const out = valueOr(await runCommand(runner, DARWIN_BOOT_ID, { timeoutMs: 5_000 }));
        return out === undefined || out.exitCode !== 0 ? undefined : parseBootId(decodeText(out.stdout));
      }
      case "win32": {
        const out = valueOr(await runCommand(runner, WIN32_BOOT_TIME, { timeoutMs: 15_000, label: "LastBootUpTime" }));
        return out === undefined || out.exitCode !== 0 ? undefined : parseBootId(decodeWindowsOutput(out.stdout));
      }
    }
  } catch {
    return undefined;
  }
}

/**
 * Whether the OS is shutting down, asked when a signal stops the agent. Linux: systemd's state; macOS: the kernel's
 * kern.willshutdown (launchd sends the same SIGTERM for a shutdown and for `launchctl bootout`); Windows: the service
 * host says it on stdin, so nothing is asked here.
 */
export async function readOsState(runner: CommandRunner): Promise<OsState> {
  try {
    if (runner.platform === "win32") return "unknown";
    const argv = runner.platform === "linux" ? SYSTEMD_STATE : DARWIN_WILL_SHUTDOWN;
    // `is-system-running` exits non-zero for every state but "running": its output is the answer.
    const out = valueOr(await runCommand(runner, argv, { timeoutMs: 3_000 }));
    if (out === undefined) return "unknown";
    return runner.platform === "linux" ? systemdState(decodeText(out.stdout)) : darwinShutdownState(decodeText(out.stdout));
  } catch {
    return "unknown";
  }
}
