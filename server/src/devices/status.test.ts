import { describe, expect, it } from "vitest";
import { deviceStatus } from "./status.js";

const NOW = new Date("2025-03-01T12:00:00.000Z");
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();

describe("deviceStatus (heartbeat 60 s: offline after 180 s of silence)", () => {
  it.each([
    ["connected, no open violations", { lastSeen: ago(10), connected: true, openViolations: 0 }, "compliant"],
    ["connected, open violations", { lastSeen: ago(10), connected: true, openViolations: 2 }, "noncompliant"],
    ["disconnected but seen 179 s ago", { lastSeen: ago(179), connected: false, openViolations: 0 }, "compliant"],
    ["disconnected, silent 181 s", { lastSeen: ago(181), connected: false, openViolations: 3 }, "offline"],
    ["connected though silent 1 h (heartbeats batched)", { lastSeen: ago(3600), connected: true, openViolations: 1 }, "noncompliant"],
    ["never seen, not connected", { lastSeen: null, connected: false, openViolations: 0 }, "offline"],
  ] as const)("%s → %s", (_name, input, expected) => {
    expect(deviceStatus(input, NOW, 60)).toBe(expected);
  });
});
