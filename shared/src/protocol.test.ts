import { describe, expect, it } from "vitest";
import { uuidv7 } from "./ids.js";
import { AgentFrame, ServerFrame } from "./protocol.js";

const report = {
  type: "report",
  id: "0190f3c2-7c1a-7000-8000-000000000001",
  observedAt: "2026-11-25T10:00:00.000Z",
  policyVersion: 1,
  results: [{ check: "usb-storage", status: "fail", violations: [{ subject: "4C530001", message: "m", observed: "o", expected: "e" }] }],
};

describe("protocol frames", () => {
  it("accepts a report and rejects one without results", () => {
    expect(AgentFrame.safeParse(report).success).toBe(true);
    expect(AgentFrame.safeParse({ ...report, results: [] }).success).toBe(false);
  });

  it("rejects an unknown frame type and a report with an unknown check", () => {
    expect(AgentFrame.safeParse({ type: "shell", cmd: "rm -rf /" }).success).toBe(false);
    expect(AgentFrame.safeParse({ ...report, results: [{ check: "antivirus", status: "pass", violations: [] }] }).success).toBe(false);
  });

  it("validates a policy push with the policy schema", () => {
    expect(ServerFrame.safeParse({ type: "policy", policy: { version: 2, screenLock: {}, usbStorage: {}, software: {} } }).success).toBe(
      true,
    );
    expect(
      ServerFrame.safeParse({
        type: "policy",
        policy: { version: 2, screenLock: { maxIdleSeconds: "soon" }, usbStorage: {}, software: {} },
      }).success,
    ).toBe(false);
  });
});

describe("presence in the protocol", () => {
  const hello = {
    type: "hello",
    protocol: 1,
    deviceId: "device-0001",
    credential: "credential-0123456789",
    agentVersion: "1.0.0",
    policyVersion: 3,
    device: { hostname: "lt-042", platform: "linux", agentVersion: "1.0.0" },
  };

  it("accepts a hello of an older agent without boot id or runs, and one that tells both", () => {
    expect(AgentFrame.safeParse(hello).success).toBe(true);
    const told = {
      ...hello,
      bootId: "5f1c0e0a-5d1e-4c1b-9a3e-0f0e0d0c0b0a",
      runStartedAt: "2026-11-25T10:00:00.000Z",
      previousRun: {
        bootId: "5f1c0e0a-5d1e-4c1b-9a3e-0f0e0d0c0b0a",
        startedAt: "2026-11-25T08:00:00.000Z",
        lastAliveAt: "2026-11-25T09:00:00.000Z",
        endedWith: null,
      },
    };
    expect(AgentFrame.parse(told)).toEqual(told);
    expect(AgentFrame.safeParse({ ...told, previousRun: { ...told.previousRun, endedWith: "nap" } }).success).toBe(false);
  });

  it.each(["system-shutdown", "system-sleep", "service-stop", "uninstall", "upgrade"])(
    "accepts the goodbye reason %s as said",
    (reason) => {
      expect(AgentFrame.parse({ type: "goodbye", reason })).toEqual({ type: "goodbye", reason });
    },
  );

  it("reads an older agent's reboot as system-shutdown, and refuses an unknown reason", () => {
    expect(AgentFrame.parse({ type: "goodbye", reason: "reboot" })).toEqual({ type: "goodbye", reason: "system-shutdown" });
    expect(AgentFrame.safeParse({ type: "goodbye", reason: "bored" }).success).toBe(false);
  });
});

describe("uuidv7", () => {
  it("sorts by creation time and carries version 7", () => {
    const a = uuidv7(1_000);
    const b = uuidv7(2_000);
    expect(a < b).toBe(true);
    expect(a[14]).toBe("7");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
