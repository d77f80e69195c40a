// What the person at the laptop is told about a violation and how to fix it: one table, per check and per OS (pure).
import type { AgentCheckId, CheckViolation, Platform, Policy } from "@wegroup/shared";

/** The kinds of problem a person can fix, each with its words per OS. */
export type FixKind = "screen-lock" | "usb-storage" | "software-denied" | "software-unapproved";

interface FixContext {
  /** The policy's screen-lock limit in whole minutes (rounded down: "15 minutes or less" must hold). */
  minutes: number;
  /** The USB device as its label reads ("SanDisk Cruzer"). */
  device: string;
  /** The software title's name ("Wireshark"). */
  title: string;
}

/** THE table. Every text names what is wrong and the one thing to do; placeholders are filled from the violation and the policy. */
export const FIX_TEXTS: Readonly<Record<FixKind, Readonly<Record<Platform, (c: FixContext) => string>>>> = {
  "screen-lock": {
    linux: (c) =>
      `Screen lock: set it to ${c.minutes} minutes or less — Settings › Privacy › Screen Lock (KDE: System Settings › Screen Locking)`,
    darwin: (c) =>
      `Screen lock: set it to ${c.minutes} minutes or less — System Settings › Lock Screen: start the screen saver within ${c.minutes} minutes and require the password immediately`,
    win32: (c) =>
      `Screen lock: set it to ${c.minutes} minutes or less — Settings › Personalization › Lock screen › Screen saver: wait ${c.minutes} minutes and tick "On resume, display logon screen"`,
  },
  "usb-storage": {
    linux: (c) => `Remove the USB stick ${c.device} — eject it in the file manager, then unplug it (USB storage is not allowed)`,
    darwin: (c) => `Remove the USB stick ${c.device} — eject it in the Finder, then unplug it (USB storage is not allowed)`,
    win32: (c) => `Remove the USB stick ${c.device} — "Safely Remove Hardware" in the taskbar, then unplug it (USB storage is not allowed)`,
  },
  "software-denied": {
    linux: (c) => `${c.title} is prohibited software: uninstall it or ask security@ for an exemption`,
    darwin: (c) => `${c.title} is prohibited software: uninstall it (move it to the Bin) or ask security@ for an exemption`,
    win32: (c) => `${c.title} is prohibited software: uninstall it (Settings › Apps) or ask security@ for an exemption`,
  },
  "software-unapproved": {
    linux: (c) => `${c.title} is not approved software: uninstall it or ask IT to approve it`,
    darwin: (c) => `${c.title} is not approved software: uninstall it (move it to the Bin) or ask IT to approve it`,
    win32: (c) => `${c.title} is not approved software: uninstall it (Settings › Apps) or ask IT to approve it`,
  },
};

export function fixKind(check: AgentCheckId, violation: CheckViolation): FixKind {
  switch (check) {
    case "screen-lock":
      return "screen-lock";
    case "usb-storage":
      return "usb-storage";
    case "software":
      return violation.title?.verdict === "unapproved" ? "software-unapproved" : "software-denied";
  }
}

/** The one line a person reads about this violation: what is wrong and what to do, in their OS's words. */
export function fixText(check: AgentCheckId, violation: CheckViolation, platform: Platform, policy: Pick<Policy, "screenLock">): string {
  const context: FixContext = {
    minutes: Math.max(1, Math.floor(policy.screenLock.maxIdleSeconds / 60)),
    device: usbLabel(violation.observed) ?? `with serial ${violation.subject}`,
    title: violation.title?.name ?? violation.subject,
  };
  return FIX_TEXTS[fixKind(check, violation)][platform](context);
}

/** The device's vendor and model from a usb-storage violation's `observed` ("SanDisk Cruzer [0781:5567] mounted at /media/x"). */
export function usbLabel(observed: string): string | undefined {
  const match = /^(.*?)(?: \[[0-9A-Fa-f?]{4}:[0-9A-Fa-f?]{4}\])? (?:mounted at .*|attached, not mounted)$/s.exec(observed);
  const label = (match?.[1] ?? observed).trim();
  return label === "" || label === "USB storage device" ? undefined : label;
}

/** A violation as the person at the laptop reads it in `compliance-agent status`: what is wrong, and the fix. */
export interface ViolationDetail {
  subject: string;
  message: string;
  fix: string;
}

export function violationDetails(
  result: { check: AgentCheckId; violations: readonly CheckViolation[] },
  platform: Platform,
  policy: Pick<Policy, "screenLock">,
): ViolationDetail[] {
  return result.violations.map((v) => ({ subject: v.subject, message: v.message, fix: fixText(result.check, v, platform, policy) }));
}
