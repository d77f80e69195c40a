// Agent presence, decided: why the agent is going (the goodbye reason), what the service host says over stdin, what the
// OS says about itself, and the run record each run keeps (boot, start, last alive, how it ended). Pure.
import { GoodbyeReason, type PreviousRun } from "@wegroup/shared";
import { z } from "zod";

/** What the OS says while the agent is told to stop: it is shutting down (or restarting), it runs on, or it cannot tell. */
export type OsState = "shutting-down" | "running" | "unknown";

/** What made the agent stop: a signal from the service manager, a `stop` line from the service host, or the host gone. */
export type StopCause = { kind: "signal"; signal: string } | { kind: "control"; reason: GoodbyeReason } | { kind: "host-gone" };

/**
 * The goodbye reason: a valid word the package scripts left in the reason file wins (uninstall, upgrade); then what the
 * service host said (it knows stop from shutdown); then the OS's own state; otherwise someone stopped the service.
 */
export function goodbyeReason(reasonFile: GoodbyeReason | undefined, cause: StopCause, os: OsState): GoodbyeReason {
  if (reasonFile !== undefined) return reasonFile;
  if (cause.kind === "control") return cause.reason;
  if (os === "shutting-down") return "system-shutdown";
  return "service-stop";
}

/** Whether the OS is worth asking (a stop line already said why; the end of the host's stdin is a stop of the service). */
export function asksOs(cause: StopCause): boolean {
  return cause.kind === "signal";
}

/** The reason file holds one word; anything else is ignored (and the file deleted all the same). */
export function parseReasonWord(text: string): GoodbyeReason | undefined {
  const parsed = GoodbyeReason.safeParse(text.trim());
  return parsed.success ? parsed.data : undefined;
}

export type ControlCommand =
  { kind: "stop"; reason: GoodbyeReason } | { kind: "sleep" } | { kind: "resume" } | { kind: "unknown"; line: string };

/** One line of the service host's control channel (`stop <reason>`, `sleep`, `resume`). */
export function parseControlLine(line: string): ControlCommand {
  const words = line.trim().split(/\s+/);
  if (words.length === 1 && words[0] === "sleep") return { kind: "sleep" };
  if (words.length === 1 && words[0] === "resume") return { kind: "resume" };
  if (words.length === 2 && words[0] === "stop") {
    const reason = parseReasonWord(words[1] ?? "");
    if (reason !== undefined) return { kind: "stop", reason };
  }
  return { kind: "unknown", line: line.slice(0, 200) };
}

/** `systemctl is-system-running`: `stopping` while systemd shuts down or reboots. */
export function systemdState(stdout: string): OsState {
  const state = stdout.trim().split("\n")[0]?.trim() ?? "";
  if (state === "stopping") return "shutting-down";
  if (["running", "degraded", "starting", "initializing", "maintenance"].includes(state)) return "running";
  return "unknown";
}

/** macOS `sysctl -n kern.willshutdown`: 1 once the kernel was told the system shuts down or restarts. */
export function darwinShutdownState(stdout: string): OsState {
  const value = stdout.trim();
  if (value === "1") return "shutting-down";
  if (value === "0") return "running";
  return "unknown";
}

/** A line of `gdbus monitor --system --dest org.freedesktop.login1`: logind's PrepareForSleep(true) before sleep, (false) after. */
export function parsePrepareForSleep(line: string): "sleep" | "resume" | undefined {
  const m = /\.PrepareForSleep \((true|false),?\)/.exec(line);
  if (m === null) return undefined;
  return m[1] === "true" ? "sleep" : "resume";
}

/** A boot id as the OS gave it: the first line, trimmed; nothing when empty or implausibly long. */
export function parseBootId(text: string): string | undefined {
  const first = text.trim().split(/\r?\n/)[0]?.trim() ?? "";
  return first.length > 0 && first.length <= 100 ? first : undefined;
}

const Timestamp = z.iso.datetime({ offset: true });

/** What each run keeps in the state dir (run.json): the next run tells the server how this one ended. */
export const RunRecord = z.object({
  bootId: z.string().max(100).optional(),
  startedAt: Timestamp,
  lastAliveAt: Timestamp,
  /** The goodbye it said; null while it runs (and so, to the next run, when it ended without one). */
  endedWith: GoodbyeReason.nullable(),
});
export type RunRecord = z.infer<typeof RunRecord>;

export function newRun(bootId: string | undefined, now: Date): RunRecord {
  return { ...(bootId === undefined ? {} : { bootId }), startedAt: now.toISOString(), lastAliveAt: now.toISOString(), endedWith: null };
}

/** A heartbeat of the run: still alive now. */
export function alive(run: RunRecord, now: Date): RunRecord {
  return { ...run, lastAliveAt: now.toISOString() };
}

/** The run said goodbye (a sleep goodbye too: a laptop that never wakes ended cleanly). */
export function ended(run: RunRecord, reason: GoodbyeReason, now: Date): RunRecord {
  return { ...run, lastAliveAt: now.toISOString(), endedWith: reason };
}

/** Awake again after a sleep goodbye: running, without a goodbye, once more. */
export function resumed(run: RunRecord, now: Date): RunRecord {
  return { ...run, lastAliveAt: now.toISOString(), endedWith: null };
}

/** What the hello says about the run before this one. */
export function previousRunOf(run: RunRecord): PreviousRun {
  return {
    ...(run.bootId === undefined ? {} : { bootId: run.bootId }),
    startedAt: run.startedAt,
    lastAliveAt: run.lastAliveAt,
    endedWith: run.endedWith,
  };
}
