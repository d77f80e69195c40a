// Agent presence, decided: which goodbye opens agent-silent, what a returning agent's previous run says, what each
// agent-silent says, and why a device is offline. Pure: the watchdog and the ingest hand it rows and frames.
import type { GoodbyeReason, PreviousRun } from "@wegroup/shared";

/** A stopped service or a removed agent while the OS keeps running; sleep, shutdown and an upgrade's restart are normal. */
export function goodbyeOpens(reason: string | null): boolean {
  return reason === "service-stop" || reason === "uninstall";
}

/** A `service-stop`/`uninstall` goodbye opens agent-silent once the device stayed away this long (a restart comes back sooner). */
export const GOODBYE_GRACE_MS = 2_000;

/** Reasons stored before `reboot` was renamed read as what they meant. */
export function canonicalReason(reason: string | null): GoodbyeReason | undefined {
  if (reason === null) return undefined;
  switch (reason) {
    case "system-shutdown":
    case "system-sleep":
    case "service-stop":
    case "uninstall":
    case "upgrade":
      return reason;
    case "reboot":
      return "system-shutdown";
    default:
      return undefined;
  }
}

/** What a returning agent's account of its previous run shows. */
export type ReturnVerdict =
  /**
   * The OS kept running (same boot) while the agent was gone without a goodbye (killed, or stopped without one), or
   * with a service-stop/uninstall goodbye the server never heard (said while offline: `said`).
   */
  | { kind: "gap"; minutes: number; from: string; to: string; said?: GoodbyeReason }
  | { kind: "none"; why: "first-run" | "clean-end" | "new-boot" | "boot-unknown" };

/**
 * `previous`: the hello's previousRun; `bootId`: the hello's; `at`: when the hello came (server time); `goodbyeHeardSince`:
 * when the server last heard a goodbye of this device (null: never). Only the same boot
 * id proves the OS ran on: a new one means the OS restarted (a crash, a power cut, a forced shutdown — not the agent's doing),
 * and without boot ids nothing can be told.
 */
export function onReturn(
  previous: PreviousRun | undefined,
  bootId: string | undefined,
  at: string,
  goodbyeHeardSince?: string,
): ReturnVerdict {
  if (previous === undefined) return { kind: "none", why: "first-run" };
  // A stop the server heard was judged when it came (the watchdog); one said while offline is judged now.
  const unheardStop =
    previous.endedWith !== null &&
    goodbyeOpens(previous.endedWith) &&
    (goodbyeHeardSince === undefined || goodbyeHeardSince < previous.startedAt);
  if (previous.endedWith !== null && !unheardStop) return { kind: "none", why: "clean-end" };
  if (previous.bootId === undefined || bootId === undefined) return { kind: "none", why: "boot-unknown" };
  if (previous.bootId !== bootId) return { kind: "none", why: "new-boot" };
  // The agent's last sign of life cannot be after the server's now (a clock ahead would make a negative gap).
  const from = new Date(Math.min(Date.parse(previous.lastAliveAt), Date.parse(at))).toISOString();
  const minutes = Math.max(0, Math.round((Date.parse(at) - Date.parse(from)) / 60_000));
  return {
    kind: "gap",
    minutes,
    from,
    to: new Date(at).toISOString(),
    ...(previous.endedWith === null ? {} : { said: previous.endedWith }),
  };
}

export interface SilentText {
  message: string;
  observed: string;
  expected: string;
}

const EXPECTED_RUNNING = "the agent runs whenever the OS does (sleep and shutdown excepted)";

/** The agent was away while its OS ran (the gap a returning agent reported). */
export function gapText(gap: Extract<ReturnVerdict, { kind: "gap" }>, bootId: string): SilentText {
  return {
    message: `agent was not running for ${gap.minutes} min while the OS was up`,
    observed: `last alive at ${gap.from}, back at ${gap.to}, in the same OS boot (${bootId}), ${gap.said === undefined ? "with no goodbye" : `after a goodbye (${gap.said}) the server never received`}`,
    expected: EXPECTED_RUNNING,
  };
}

/** Someone stopped the service or removed the agent: its goodbye said so. */
export function stoppedText(reason: string, at: string): SilentText {
  return { message: "agent stopped on the device", observed: `last frame: goodbye (${reason}) at ${at}`, expected: EXPECTED_RUNNING };
}

/** Unseen for longer than the policy allows. */
export function unseenText(lastSeen: string | null, enrolledAt: string, maxOfflineDays: number): SilentText {
  const since = lastSeen ?? enrolledAt;
  return {
    message: `no heartbeat since ${since}`,
    observed: lastSeen === null ? `no frame since enrollment at ${since}` : `last frame at ${since}`,
    expected: `a frame at least every ${maxOfflineDays} days (maxOfflineDays)`,
  };
}

/** A goodbye counts as the last frame when nothing came more than this after it (its lastSeen is stamped a moment later). */
export const GOODBYE_SLACK_MS = 1_000;

/** The device's last frame was its goodbye: nothing came more than GOODBYE_SLACK_MS after it. */
export function goodbyeWasLast(d: { lastSeen: string | null; goodbyeAt: string | null }): boolean {
  if (d.goodbyeAt === null || d.lastSeen === null) return false;
  return Date.parse(d.goodbyeAt) >= Date.parse(d.lastSeen) - GOODBYE_SLACK_MS;
}

/** The device's last frame was its goodbye: the reason and when, else undefined. */
export function lastGoodbye(d: {
  lastSeen: string | null;
  goodbyeAt: string | null;
  goodbyeReason: string | null;
}): { reason: GoodbyeReason; at: string } | undefined {
  if (d.goodbyeAt === null || !goodbyeWasLast(d)) return undefined;
  const reason = canonicalReason(d.goodbyeReason);
  return reason === undefined ? undefined : { reason, at: d.goodbyeAt };
}
