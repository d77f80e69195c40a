import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeZodError } from "./errors.js";
import { ExemptionCreate, PrivacySubject } from "./api.js";
import { Policy } from "./policy.js";
import { AgentFrame } from "./protocol.js";
import { type CheckResult, countViolations, fitForReport, MAX_VIOLATIONS_PER_REPORT, storableDevice } from "./result.js";
import { isStorableText, MAX_INT32, Text, toStorableText } from "./text.js";

const report = (over: object = {}) => ({
  type: "report",
  id: "0190f3c2-7c1a-7000-8000-000000000001",
  observedAt: "2026-11-25T10:00:00.000Z",
  policyVersion: 1,
  results: [{ check: "usb-storage", status: "fail", violations: [{ subject: "4C530001", message: "m", observed: "o", expected: "e" }] }],
  ...over,
});
const refusal = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown): string => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return "accepted";
  return describeZodError(parsed.error as Parameters<typeof describeZodError>[0]);
};

describe("storable text", () => {
  it.each<[string, string, boolean]>([
    ["plain ASCII", "nmap", true],
    ["accents and CJK", "Ölafsdóttir 東京", true],
    ["an emoji (a valid surrogate pair)", "usb 😀 stick", true],
    ["a NUL", "a\u0000b", false],
    ["a lone high surrogate", "a\ud800b", false],
    ["a lone low surrogate at the end", "ab\udc00", false],
    ["a reversed pair", "\udc00\ud800", false],
  ])("%s: %s", (_name, value, ok) => {
    expect(isStorableText(value)).toBe(ok);
    expect(Text({ max: 100 }).safeParse(value).success).toBe(ok);
  });

  it("turns any string into storable text and leaves storable text as it is (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 50 }), (s) => {
        const out = toStorableText(s);
        expect(isStorableText(out)).toBe(true);
        if (isStorableText(s)) expect(out).toBe(s);
      }),
    );
  });
});

describe("boundary schemas refuse what a database cannot store, naming the field", () => {
  it.each<[string, { safeParse(v: unknown): { success: boolean } }, unknown, RegExp]>([
    [
      "a NUL in a report's subject",
      AgentFrame,
      report({
        results: [
          { check: "usb-storage", status: "fail", violations: [{ subject: "a\u0000", message: "m", observed: "o", expected: "e" }] },
        ],
      }),
      /results\[0\]\.violations\[0\]\.subject: must not contain the NUL/,
    ],
    [
      "a lone surrogate in a hello's hostname",
      AgentFrame,
      {
        type: "hello",
        protocol: 1,
        deviceId: "device-0001",
        credential: "c".repeat(20),
        agentVersion: "1",
        policyVersion: 0,
        device: { hostname: "pc\ud83d", platform: "linux", agentVersion: "1" },
      },
      /device\.hostname: must be well-formed Unicode/,
    ],
    ["policyVersion 2^31 in a report", AgentFrame, report({ policyVersion: MAX_INT32 + 1 }), /policyVersion: /],
    ["policyVersion 2^31 in a heartbeat", AgentFrame, { type: "heartbeat", policyVersion: 2 ** 31 }, /policyVersion: /],
    ["version 2^31 in a policy-applied", AgentFrame, { type: "policy-applied", version: 2 ** 31 }, /version: /],
    [
      "1,001 violations in one report",
      AgentFrame,
      report({
        results: [
          {
            check: "usb-storage",
            status: "fail",
            violations: Array.from({ length: 1_001 }, (_, i) => ({ subject: `S${i}`, message: "m", observed: "o", expected: "e" })),
          },
        ],
      }),
      /results: more than 1000 violations/,
    ],
    [
      "a NUL in an exemption's reason",
      ExemptionCreate,
      { device: "*", check: "usb-storage", subject: "X", reason: "ok\u0000", approvedBy: "CISO", expiresAt: "2030-01-01T00:00:00Z" },
      /reason: must not contain the NUL/,
    ],
    ["a lone surrogate in a user to export", PrivacySubject, { user: "b\udfffob" }, /user: must be well-formed Unicode/],
    [
      "a NUL in a policy rule name",
      Policy,
      { version: 1, screenLock: {}, usbStorage: {}, software: { deny: [{ name: "nm\u0000ap" }] } },
      /software\.deny\[0\]\.name: must not contain the NUL/,
    ],
    ["a policy version of 2^31", Policy, { version: 2 ** 31, screenLock: {}, usbStorage: {}, software: {} }, /version: /],
  ])("%s", (_name, schema, value, message) => {
    expect(refusal(schema, value)).toMatch(message);
  });

  it("accepts the largest PostgreSQL integer and a report of exactly the maximum size", () => {
    expect(AgentFrame.safeParse(report({ policyVersion: MAX_INT32 })).success).toBe(true);
    const violations = Array.from({ length: MAX_VIOLATIONS_PER_REPORT }, (_, i) => ({
      subject: `S${i}`,
      message: "m",
      observed: "o",
      expected: "e",
    }));
    expect(AgentFrame.safeParse(report({ results: [{ check: "usb-storage", status: "fail", violations }] })).success).toBe(true);
  });
});

describe("fitForReport (what the agent sends of its own results)", () => {
  const many = (check: CheckResult["check"], n: number): CheckResult => ({
    check,
    status: "fail",
    violations: Array.from({ length: n }, (_, i) => ({
      subject: `${check}-${String(n - i).padStart(5, "0")}`,
      message: "m",
      observed: "o",
      expected: "e",
    })),
  });

  it("leaves results within the cap as they are", () => {
    const results = [many("software", 3), many("usb-storage", 2)];
    expect(fitForReport(results, 10)).toEqual(results);
  });

  it("keeps a fair share of each check over the cap, the same subjects every time, and says how many more there are", () => {
    const fitted = fitForReport([many("software", 50), many("usb-storage", 3), many("screen-lock", 20)], 20);
    expect(fitted.map((r) => r.violations.length)).toEqual([8, 3, 9]);
    expect(countViolations(fitted)).toBe(20);
    expect(fitted[0]?.reason).toBe("42 more violations not listed (a report lists at most 20)");
    expect(fitted[1]?.reason).toBeUndefined();
    expect(fitted[0]?.violations[0]?.subject).toBe("software-00001");
    expect(
      fitForReport([many("software", 50), many("usb-storage", 3), many("screen-lock", 20)].reverse(), 20).map((r) => r.violations.length),
    ).toEqual([9, 3, 8]);
  });

  it("always answers a report the server accepts (property)", () => {
    const text = fc.string({ unit: "binary", maxLength: 30 });
    const violation = fc.record({ subject: text.filter((s) => s.length > 0), message: text, observed: text, expected: text });
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom<CheckResult["check"]>("screen-lock", "usb-storage", "software"),
            fc.array(violation, { minLength: 1, maxLength: 40 }),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        fc.integer({ min: 1, max: 60 }),
        (parts, cap) => {
          const unique = [...new Map(parts.map(([check, violations]) => [check, { check, status: "fail" as const, violations }])).values()];
          const fitted = fitForReport(unique, cap);
          expect(countViolations(fitted)).toBeLessThanOrEqual(cap);
          expect(AgentFrame.safeParse(report({ results: fitted })).success).toBe(true);
        },
      ),
    );
  });

  it("makes the device facts storable", () => {
    expect(storableDevice({ hostname: "pc\u0000-1\ud800", platform: "linux", agentVersion: "1" })).toEqual({
      hostname: "pc-1\ufffd",
      platform: "linux",
      agentVersion: "1",
    });
  });
});
