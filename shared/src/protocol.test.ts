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
    expect(ServerFrame.safeParse({ type: "policy", policy: { version: 2, screenLock: {}, usbStorage: {}, software: {} } }).success).toBe(true);
    expect(ServerFrame.safeParse({ type: "policy", policy: { version: 2, screenLock: { maxIdleSeconds: "soon" }, usbStorage: {}, software: {} } }).success).toBe(false);
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
