// The exemption decision as tables: what covers what, when an exemption stands, and which lasting rows change.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { covers, type Exemptible, type ExemptionRule, exemptionFor, isStanding, openingStatus, reconcile } from "./exemption.js";
import type { ViolationRecord } from "./record.js";

const NOW = "2025-03-01T12:00:00.000Z";
const LATER = "2025-03-08T12:00:00.000Z";

const exemption = (over: Partial<ExemptionRule> = {}): ExemptionRule => ({
  id: "ex-1",
  device: "dev-1",
  check: "software",
  rule: null,
  subject: "nmap",
  expiresAt: LATER,
  ...over,
});

const nmap: Exemptible = { deviceId: "dev-1", check: "software", subject: "nmap", rule: "deny-scanners" };

const row = (over: Partial<ViolationRecord> = {}): ViolationRecord => ({
  id: "v-1",
  deviceId: "dev-1",
  check: "software",
  subject: "nmap",
  rule: "deny-scanners",
  message: "nmap is denied",
  observed: "nmap 7.94",
  expected: "not installed",
  status: "open",
  firstSeen: NOW,
  lastSeen: NOW,
  resolvedAt: null,
  title: null,
  ...over,
});

describe("covers", () => {
  it.each<[string, Partial<ExemptionRule>, Partial<Exemptible>, boolean]>([
    ["the same device, check and subject", {}, {}, true],
    ['"*" for every device', { device: "*" }, { deviceId: "dev-9" }, true],
    ["another device", { device: "dev-2" }, {}, false],
    ["another check", { check: "usb-storage" }, {}, false],
    ["a subject glob", { subject: "nm*" }, {}, true],
    ["a subject glob, ignoring case", { subject: "NMAP" }, {}, true],
    ["a subject glob that does not match", { subject: "wire*" }, {}, false],
    ["a glob spanning dots and slashes", { subject: "*" }, { subject: "org.wireshark/Wireshark 4.2" }, true],
    ["the violation's rule", { rule: "deny-scanners", subject: null }, {}, true],
    ["another rule", { rule: "deny-crackers", subject: null }, {}, false],
    ["a rule on a violation that names none", { rule: "deny-scanners", subject: null }, { rule: null }, false],
    ["rule and subject both holding", { rule: "deny-scanners", subject: "n*" }, {}, true],
    ["rule holding but subject not", { rule: "deny-scanners", subject: "hydra" }, {}, false],
    [
      "the agent-silent check by its subject",
      { check: "agent-silent", subject: "agent" },
      { check: "agent-silent", subject: "agent", rule: null },
      true,
    ],
  ])("%s → %s", (_name, e, v, expected) => {
    expect(covers(exemption(e), { ...nmap, ...v }, NOW)).toBe(expected);
  });

  it.each([
    ["a minute before expiry", "2025-03-08T11:59:00.000Z", true],
    ["at the instant of expiry", LATER, false],
    ["after expiry", "2025-03-09T00:00:00.000Z", false],
  ])("stands %s: %s", (_name, now, expected) => {
    expect(isStanding(exemption(), now)).toBe(expected);
    expect(covers(exemption(), nmap, now)).toBe(expected);
  });

  it("compares expiry as instants, whatever the offset", () => {
    expect(isStanding({ expiresAt: "2025-03-01T13:30:00+02:00" }, NOW)).toBe(false); // 11:30Z
    expect(isStanding({ expiresAt: "2025-03-01T12:30:00-01:00" }, NOW)).toBe(true); // 13:30Z
  });
});

describe("exemptionFor and openingStatus", () => {
  it("picks the covering exemption that lasts longest", () => {
    const short = exemption({ id: "short", expiresAt: "2025-03-02T00:00:00.000Z" });
    const long = exemption({ id: "long", device: "*", subject: "n*", expiresAt: "2025-06-01T00:00:00.000Z" });
    const other = exemption({ id: "other", subject: "hydra", expiresAt: "2026-01-01T00:00:00.000Z" });
    expect(exemptionFor(nmap, [short, long, other], NOW)?.id).toBe("long");
    expect(exemptionFor(nmap, [short, other], NOW)?.id).toBe("short");
    expect(exemptionFor(nmap, [other], NOW)).toBeUndefined();
  });

  it("opens a new failure as exempted when an exemption covers it, as open otherwise", () => {
    expect(openingStatus(nmap, [exemption()], NOW)).toBe("exempted");
    expect(openingStatus(nmap, [exemption({ subject: "hydra" })], NOW)).toBe("open");
    expect(openingStatus(nmap, [exemption()], LATER)).toBe("open");
  });
});

describe("reconcile", () => {
  it.each<[string, ViolationRecord["status"], ExemptionRule[], "exempted" | "reopened" | "none"]>([
    ["exempts an open row an exemption covers", "open", [exemption()], "exempted"],
    ["leaves an open row no exemption covers", "open", [exemption({ subject: "hydra" })], "none"],
    ["leaves an exempted row that is still covered", "exempted", [exemption()], "none"],
    ["reopens an exempted row whose exemption is gone", "exempted", [], "reopened"],
    ["reopens an exempted row whose exemption expired", "exempted", [exemption({ expiresAt: NOW })], "reopened"],
    ["keeps an exempted row covered by another exemption", "exempted", [exemption({ id: "b", device: "*", subject: "*" })], "none"],
    ["never touches a resolved row", "resolved", [exemption()], "none"],
  ])("%s", (_name, status, exemptions, expected) => {
    const before = row({ status, ...(status === "resolved" ? { resolvedAt: NOW } : {}) });
    const out = reconcile([before], exemptions, NOW);
    if (expected === "none") {
      expect(out).toEqual([]);
      return;
    }
    expect(out).toEqual([{ kind: expected, before, violation: { ...before, status: expected === "exempted" ? "exempted" : "open" } }]);
  });

  it("changes nothing but the status, so the row keeps its id, firstSeen and lastSeen", () => {
    const before = row({ firstSeen: "2025-02-01T00:00:00.000Z" });
    const [change] = reconcile([before], [exemption()], NOW);
    expect(change?.violation).toEqual({ ...before, status: "exempted" });
  });

  it("is idempotent: reconciling its own result changes nothing more", () => {
    const subjects = fc.constantFrom("nmap", "hydra", "wireshark", "john");
    const arbRow = fc.record({
      subject: subjects,
      status: fc.constantFrom<"open" | "exempted" | "resolved">("open", "exempted", "resolved"),
      deviceId: fc.constantFrom("dev-1", "dev-2"),
    });
    const arbExemption = fc.record({
      subject: fc.constantFrom("nmap", "h*", "*", "john"),
      device: fc.constantFrom("dev-1", "*"),
      expiresAt: fc.constantFrom(NOW, LATER),
    });
    fc.assert(
      fc.property(fc.array(arbRow, { maxLength: 8 }), fc.array(arbExemption, { maxLength: 4 }), (rows, exemptions) => {
        const records = rows.map((r, i) => row({ id: `v-${i}`, ...r, ...(r.status === "resolved" ? { resolvedAt: NOW } : {}) }));
        const rules = exemptions.map((e, i) => exemption({ id: `e-${i}`, ...e }));
        const once = reconcile(records, rules, NOW);
        const changed = new Map(once.map((c) => [c.violation.id, c.violation]));
        const after = records.map((r) => changed.get(r.id) ?? r);
        expect(reconcile(after, rules, NOW)).toEqual([]);
        // and every lasting row ends exempted exactly when something covers it
        for (const r of after) if (r.status !== "resolved") expect(r.status === "exempted").toBe(exemptionFor(r, rules, NOW) !== undefined);
      }),
    );
  });
});
