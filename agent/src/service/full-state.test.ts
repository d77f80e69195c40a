import type { CheckResult } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { afterWelcome, checksToResend } from "./full-state.js";

describe("afterWelcome", () => {
  it.each([
    ["the same version", 3, 3, "send-full-state"],
    ["a newer server policy", 0, 1, "await-policy"],
    ["an older server policy (it is sent too, and applied)", 4, 3, "await-policy"],
  ] as const)("on %s: %s", (_name, agent, welcome, expected) => {
    expect(afterWelcome(agent, welcome)).toBe(expected);
  });
});

describe("checksToResend", () => {
  const result = (check: CheckResult["check"]): CheckResult => ({ check, status: "pass", violations: [] });
  const all = ["screen-lock", "usb-storage", "software"] as const;
  it.each<[string, { policyVersion: number; results: CheckResult[] }[], string[]]>([
    ["nothing queued: every check", [], [...all]],
    [
      "a queued report of the current policy covers its checks",
      [{ policyVersion: 2, results: [result("usb-storage")] }],
      ["screen-lock", "software"],
    ],
    [
      "a queued report of an older policy covers nothing",
      [{ policyVersion: 1, results: [result("usb-storage"), result("software")] }],
      [...all],
    ],
    [
      "several queued reports",
      [
        { policyVersion: 2, results: [result("software")] },
        { policyVersion: 2, results: [result("screen-lock"), result("usb-storage")] },
      ],
      [],
    ],
  ])("%s", (_name, queued, expected) => {
    expect(checksToResend(all, queued, 2)).toEqual(expected);
  });
});
