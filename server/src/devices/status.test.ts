import { describe, expect, it } from "vitest";
import { deviceStatus, isOffline, isUnreachable, SILENT_HEARTBEATS } from "./status.js";

const NOW = new Date("2025-03-01T12:00:00.000Z");
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();

describe("deviceStatus (heartbeat 60 s: offline after 180 s of silence)", () => {
  it.each([
    ["connected, no open violations", { lastSeen: ago(10), connected: true, openViolations: 0, knownChecks: 3 }, "compliant"],
    ["connected, open violations", { lastSeen: ago(10), connected: true, openViolations: 2, knownChecks: 3 }, "noncompliant"],
    ["disconnected but seen 179 s ago", { lastSeen: ago(179), connected: false, openViolations: 0, knownChecks: 3 }, "compliant"],
    ["disconnected, silent 181 s", { lastSeen: ago(181), connected: false, openViolations: 3, knownChecks: 3 }, "offline"],
    [
      "connected though silent 1 h (heartbeats batched)",
      { lastSeen: ago(3600), connected: true, openViolations: 1, knownChecks: 3 },
      "noncompliant",
    ],
    ["never seen, not connected", { lastSeen: null, connected: false, openViolations: 0, knownChecks: 0 }, "offline"],
    ["connected, no report yet", { lastSeen: ago(10), connected: true, openViolations: 0, knownChecks: 0 }, "unknown"],
    ["connected, every check unknown", { lastSeen: ago(10), connected: true, openViolations: 0, knownChecks: 0 }, "unknown"],
    [
      "every check unknown now, a violation still open from before",
      { lastSeen: ago(10), connected: true, openViolations: 1, knownChecks: 0 },
      "noncompliant",
    ],
    [
      "one check judged and passing, the others unknown",
      { lastSeen: ago(10), connected: true, openViolations: 0, knownChecks: 1 },
      "compliant",
    ],
    ["every check unknown and silent 181 s", { lastSeen: ago(181), connected: false, openViolations: 0, knownChecks: 0 }, "offline"],
  ] as const)("%s → %s", (_name, input, expected) => {
    expect(deviceStatus(input, NOW, 60)).toBe(expected);
  });
});

describe("isOffline", () => {
  it.each([
    [60, SILENT_HEARTBEATS * 60 - 1, false],
    [60, SILENT_HEARTBEATS * 60 + 1, true],
    [300, SILENT_HEARTBEATS * 300 - 1, false],
    [300, SILENT_HEARTBEATS * 300 + 1, true],
  ] as const)(
    "heartbeat %i s, silent %i s, not connected → %s (the watchdog's SILENT_HEARTBEATS rule)",
    (heartbeat, silentSeconds, expected) => {
      expect(isOffline({ lastSeen: ago(silentSeconds), connected: false }, NOW, heartbeat)).toBe(expected);
    },
  );

  it("is never offline while connected", () => {
    expect(isOffline({ lastSeen: ago(86_400), connected: true }, NOW, 60)).toBe(false);
  });
});

describe("isUnreachable (for a policy push; heartbeat 60 s)", () => {
  it.each([
    ["connected here", { lastSeen: ago(10), connected: true, goodbyeAt: ago(5) }, false],
    ["said goodbye 5 s ago, silent since", { lastSeen: ago(5), connected: false, goodbyeAt: ago(5) }, true],
    ["said goodbye, then seen (another instance)", { lastSeen: ago(2), connected: false, goodbyeAt: ago(30) }, false],
    // The goodbye's own lastSeen is stamped a moment after it: still its last frame, as presence judges it.
    ["said goodbye, its last frame stamped 0.5 s later", { lastSeen: ago(4.5), connected: false, goodbyeAt: ago(5) }, true],
    ["said goodbye, a frame 2 s later", { lastSeen: ago(3), connected: false, goodbyeAt: ago(5) }, false],
    ["no goodbye, seen 10 s ago (another instance)", { lastSeen: ago(10), connected: false, goodbyeAt: null }, false],
    ["no goodbye, silent 181 s", { lastSeen: ago(181), connected: false, goodbyeAt: null }, true],
    ["never seen", { lastSeen: null, connected: false, goodbyeAt: null }, true],
  ] as const)("%s → %s", (_name, input, expected) => {
    expect(isUnreachable(input, NOW, 60)).toBe(expected);
  });
});

describe("a goodbye", () => {
  const now = new Date("2026-03-01T12:00:01.000Z");
  it("makes a device that is not connected offline at once, and changes nothing for a connected one", () => {
    expect(isOffline({ lastSeen: "2026-03-01T12:00:00.000Z", connected: false, saidGoodbye: true }, now, 60)).toBe(true);
    expect(isOffline({ lastSeen: "2026-03-01T12:00:00.000Z", connected: false, saidGoodbye: false }, now, 60)).toBe(false);
    expect(isOffline({ lastSeen: "2026-03-01T12:00:00.000Z", connected: true, saidGoodbye: true }, now, 60)).toBe(false);
  });
});
