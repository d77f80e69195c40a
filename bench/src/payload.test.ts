import type { CheckResult, CheckViolation } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { variedResults } from "./payload.js";

const title = (name: string, verdict: "denied" | "unapproved"): CheckViolation => ({
  subject: name.toLowerCase(),
  message: `${name} is ${verdict}`,
  observed: `${name} 1.0 (app)`,
  expected: "approved",
  rule: verdict === "denied" ? name.toLowerCase() : "unapproved",
  title: { name, verdict, versions: ["1.0"], sources: ["app"], identity: {}, scope: "installed" },
});

const BASE: readonly CheckResult[] = [
  { check: "screen-lock", status: "fail", violations: [{ subject: "user001", message: "m", observed: "o", expected: "e" }] },
  { check: "usb-storage", status: "fail", violations: [{ subject: "071C395B848A2D24", message: "m", observed: "o", expected: "e" }] },
  {
    check: "software",
    status: "fail",
    violations: [title("Wireshark", "denied"), ...Array.from({ length: 40 }, (_, i) => title(`App ${i}`, "unapproved"))],
    reason: "477 titles: …",
  },
];

const software = (results: readonly CheckResult[]): CheckViolation[] => results.find((r) => r.check === "software")?.violations ?? [];

describe("variedResults", () => {
  it("is the same for the same agent every time (repeated full states are a steady state)", () => {
    expect(variedResults(BASE, 17)).toEqual(variedResults(BASE, 17));
  });

  it("keeps every denied title and about four in five of the unapproved ones, chosen per agent", () => {
    let kept = 0;
    const sets = new Set<string>();
    for (let agent = 0; agent < 200; agent++) {
      const violations = software(variedResults(BASE, agent));
      expect(violations.some((v) => v.subject === "wireshark")).toBe(true);
      kept += violations.filter((v) => v.title?.verdict === "unapproved").length;
      sets.add(violations.map((v) => v.subject).join(","));
    }
    const share = kept / (200 * 40);
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.9);
    expect(sets.size).toBeGreaterThan(150);
  });

  it("gives each agent its own USB stick and leaves the base untouched", () => {
    const a = variedResults(BASE, 1).find((r) => r.check === "usb-storage")?.violations[0]?.subject;
    const b = variedResults(BASE, 2).find((r) => r.check === "usb-storage")?.violations[0]?.subject;
    expect(a).not.toBe(b);
    expect(BASE[1]?.violations[0]?.subject).toBe("071C395B848A2D24");
    expect(software(BASE)).toHaveLength(41);
  });
});
