import type { CheckResult, CheckViolation } from "@wegroup/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ViolationRecord } from "./record.js";
import { applyCheckResult, type NewRow, type Observation, transition } from "./transition.js";

const T0 = "2025-03-01T10:00:00.000Z";
const T1 = "2025-03-01T10:05:00.000Z";
const T2 = "2025-03-01T10:10:00.000Z";

const usb = (subject: string, message = `USB storage ${subject} attached`): CheckViolation => ({
  subject,
  message,
  observed: "attached",
  expected: "no USB mass storage",
});

const row = (over: Partial<ViolationRecord> = {}): ViolationRecord => ({
  id: "v-1",
  deviceId: "dev-1",
  check: "usb-storage",
  subject: "SERIAL1",
  rule: null,
  message: "USB storage SERIAL1 attached",
  observed: "attached",
  expected: "no USB mass storage",
  status: "open",
  firstSeen: T0,
  lastSeen: T1,
  resolvedAt: null,
  title: null,
  ...over,
});

let counter = 0;
const fresh = (): NewRow => ({ id: `new-${++counter}`, deviceId: "dev-1", check: "usb-storage" });

describe("transition (one subject)", () => {
  it("opens a row when a failing subject has no lasting row: firstSeen = lastSeen = observedAt", () => {
    const step = transition(undefined, { kind: "failing", at: T2, violation: usb("SERIAL1") }, fresh);
    expect(step.kind).toBe("opened");
    if (step.kind !== "opened") return;
    expect(step.violation).toMatchObject({
      subject: "SERIAL1",
      status: "open",
      firstSeen: T2,
      lastSeen: T2,
      resolvedAt: null,
      deviceId: "dev-1",
    });
    expect(step.violation.id).toMatch(/^new-/);
  });

  it("keeps the rule the agent named on a new row", () => {
    const step = transition(undefined, { kind: "failing", at: T2, violation: { ...usb("nmap"), rule: "nmap" } }, fresh);
    expect(step.kind === "opened" && step.violation.rule).toBe("nmap");
  });

  it("reopens a resolved violation as a new row when it fails again", () => {
    const resolved = row({ status: "resolved", resolvedAt: T1 });
    const step = transition(resolved, { kind: "failing", at: T2, violation: usb("SERIAL1") }, fresh);
    expect(step.kind).toBe("opened");
    expect(step.kind === "opened" && step.violation.id).not.toBe(resolved.id);
    expect(step.kind === "opened" && step.violation.firstSeen).toBe(T2);
  });

  it("updates lastSeen of an open row when the subject fails again, keeping firstSeen and id", () => {
    const step = transition(row(), { kind: "failing", at: T2, violation: usb("SERIAL1") }, fresh);
    expect(step.kind).toBe("updated");
    if (step.kind !== "updated") return;
    expect(step.violation).toMatchObject({ id: "v-1", firstSeen: T0, lastSeen: T2, status: "open" });
    expect(step.before.lastSeen).toBe(T1);
  });

  it("takes the newest message and observed value on a repeat", () => {
    const step = transition(
      row(),
      { kind: "failing", at: T2, violation: { ...usb("SERIAL1", "now mounted at /media/x"), observed: "mounted" } },
      fresh,
    );
    expect(step.kind === "updated" && [step.violation.message, step.violation.observed]).toEqual(["now mounted at /media/x", "mounted"]);
  });

  describe("a software title's detail", () => {
    const wireshark = (versions: string[]): CheckViolation => ({
      subject: "wireshark",
      message: `Wireshark ${versions.join(", ")} — sniffer`,
      observed: `Wireshark ${versions.join(", ")}`,
      expected: "not installed",
      rule: "deny-wireshark",
      title: {
        name: "Wireshark",
        verdict: "denied",
        category: "sniffer",
        versions,
        sources: ["app"],
        identity: { teamId: "7Z6EMTD2C6" },
        scope: "installed",
      },
    });
    const software = (over: Partial<ViolationRecord> = {}): ViolationRecord =>
      row({
        check: "software",
        subject: "wireshark",
        rule: "deny-wireshark",
        message: wireshark(["4.2.0"]).message,
        observed: wireshark(["4.2.0"]).observed,
        expected: "not installed",
        title: wireshark(["4.2.0"]).title ?? null,
        ...over,
      });

    it("is kept on a new row, with the rule that judged it", () => {
      const step = transition(undefined, { kind: "failing", at: T2, violation: wireshark(["4.2.0"]) }, fresh);
      expect(step.kind === "opened" && [step.violation.rule, step.violation.title?.versions]).toEqual(["deny-wireshark", ["4.2.0"]]);
    });

    it("follows an upgrade on the same row: new versions, same subject, id and firstSeen", () => {
      const step = transition(software(), { kind: "failing", at: T2, violation: wireshark(["4.4.1"]) }, fresh);
      expect(step.kind).toBe("updated");
      if (step.kind !== "updated") return;
      expect(step.violation).toMatchObject({ id: "v-1", subject: "wireshark", firstSeen: T0, lastSeen: T2 });
      expect(step.violation.title?.versions).toEqual(["4.4.1"]);
      expect(step.before.title?.versions).toEqual(["4.2.0"]);
    });

    it("changes nothing when only the order of its keys differs (one side came from storage)", () => {
      const stored = software();
      const reordered = Object.fromEntries(Object.entries(wireshark(["4.2.0"]).title ?? {}).reverse()) as ViolationRecord["title"];
      const seen = { ...wireshark(["4.2.0"]), title: reordered ?? undefined };
      expect(transition(stored, { kind: "failing", at: T1, violation: seen }, fresh)).toEqual({ kind: "unchanged" });
    });

    it("takes a changed identity even when the wording stays (an update, no event)", () => {
      const seen = wireshark(["4.2.0"]);
      const step = transition(
        software(),
        {
          kind: "failing",
          at: T1,
          violation: { ...seen, title: { ...(seen.title as NonNullable<CheckViolation["title"]>), identity: {} } },
        },
        fresh,
      );
      expect(step.kind === "updated" && step.violation.title?.identity).toEqual({});
    });
  });

  it("changes nothing when the same failure is observed at the same instant again", () => {
    expect(transition(row(), { kind: "failing", at: T1, violation: usb("SERIAL1") }, fresh)).toEqual({ kind: "unchanged" });
  });

  it("keeps an exempted row exempted while it keeps failing", () => {
    const step = transition(row({ status: "exempted" }), { kind: "failing", at: T2, violation: usb("SERIAL1") }, fresh);
    expect(step.kind === "updated" && step.violation.status).toBe("exempted");
  });

  it.each([
    ["open", row()],
    ["exempted", row({ status: "exempted" })],
  ])("resolves an %s row when the subject passes: resolvedAt = observedAt", (_name, current) => {
    const step = transition(current, { kind: "passing", at: T2 }, fresh);
    expect(step.kind).toBe("resolved");
    expect(step.kind === "resolved" && step.violation).toMatchObject({
      id: "v-1",
      status: "resolved",
      resolvedAt: T2,
      lastSeen: T1,
      firstSeen: T0,
    });
  });

  it.each<[string, ViolationRecord | undefined, Observation]>([
    ["no row, passing", undefined, { kind: "passing", at: T2 }],
    ["resolved row, passing", row({ status: "resolved", resolvedAt: T1 }), { kind: "passing", at: T2 }],
    ["no row, unknown", undefined, { kind: "unknown", at: T2 }],
    ["open row, unknown", row(), { kind: "unknown", at: T2 }],
    ["exempted row, unknown", row({ status: "exempted" }), { kind: "unknown", at: T2 }],
    ["open row, failing observed before its lastSeen", row(), { kind: "failing", at: T0, violation: usb("SERIAL1", "older") }],
    ["open row, passing observed before its lastSeen", row(), { kind: "passing", at: T0 }],
  ])("changes nothing: %s", (_name, current, seen) => {
    let made = 0;
    expect(transition(current, seen, () => (made++, fresh()))).toEqual({ kind: "unchanged" });
    expect(made).toBe(0);
  });

  it("compares times as instants, not as text (offsets)", () => {
    // 11:06+01:00 is 10:06Z: after T1 (10:05Z), so it is a repeat, not a stale observation.
    const step = transition(row(), { kind: "failing", at: "2025-03-01T11:06:00.000+01:00", violation: usb("SERIAL1") }, fresh);
    expect(step.kind).toBe("updated");
  });
});

const result = (status: CheckResult["status"], violations: CheckViolation[] = []): CheckResult => ({
  check: "usb-storage",
  status,
  violations,
});
const freshFor = (subject: string): NewRow => ({ id: `new-${subject}`, deviceId: "dev-1", check: "usb-storage" });

describe("applyCheckResult (one check of one device)", () => {
  it("opens one row per failing subject on a first failure", () => {
    const out = applyCheckResult([], undefined, result("fail", [usb("A"), usb("B")]), T0, freshFor);
    expect(out.stale).toBe(false);
    expect(out.transitions.map((t) => [t.kind, t.violation.subject])).toEqual([
      ["opened", "A"],
      ["opened", "B"],
    ]);
  });

  it("updates what still fails, resolves what no longer fails, opens what newly fails", () => {
    const lasting = [row({ id: "v-A", subject: "A" }), row({ id: "v-B", subject: "B" })];
    const out = applyCheckResult(lasting, T1, result("fail", [usb("A"), usb("C")]), T2, freshFor);
    expect(out.transitions.map((t) => [t.kind, t.violation.subject, t.violation.id])).toEqual([
      ["updated", "A", "v-A"],
      ["resolved", "B", "v-B"],
      ["opened", "C", "new-C"],
    ]);
  });

  it("resolves every lasting row on a pass", () => {
    const lasting = [row({ id: "v-A", subject: "A" }), row({ id: "v-B", subject: "B", status: "exempted" })];
    const out = applyCheckResult(lasting, T1, result("pass"), T2, freshFor);
    expect(out.transitions.map((t) => [t.kind, t.violation.status, t.violation.resolvedAt])).toEqual([
      ["resolved", "resolved", T2],
      ["resolved", "resolved", T2],
    ]);
  });

  it("changes nothing on an unknown result (the check could not tell)", () => {
    const out = applyCheckResult([row()], T1, { ...result("unknown"), reason: "no desktop session" }, T2, freshFor);
    expect(out).toEqual({ stale: false, transitions: [] });
  });

  it("marks a result older than the last one applied as stale and changes nothing", () => {
    const out = applyCheckResult([row()], T1, result("pass"), T0, freshFor);
    expect(out).toEqual({ stale: true, transitions: [] });
  });

  it("applies a result observed at the same instant as the last one", () => {
    const out = applyCheckResult([row({ lastSeen: T1 })], T1, result("pass"), T1, freshFor);
    expect(out.transitions.map((t) => t.kind)).toEqual(["resolved"]);
  });

  it("emits no transition for a repeat observed at the same instant", () => {
    expect(applyCheckResult([row()], T1, result("fail", [usb("SERIAL1")]), T1, freshFor).transitions).toEqual([]);
  });

  it("takes the first of duplicate subjects in one result", () => {
    const out = applyCheckResult([], undefined, result("fail", [usb("A", "first"), usb("A", "second")]), T0, freshFor);
    expect(out.transitions.map((t) => t.violation.message)).toEqual(["first"]);
  });

  it("ignores resolved rows handed in as lasting (a failure opens a new row beside them)", () => {
    const out = applyCheckResult([row({ status: "resolved", resolvedAt: T1 })], T1, result("fail", [usb("SERIAL1")]), T2, freshFor);
    expect(out.transitions.map((t) => [t.kind, t.violation.id])).toEqual([["opened", "new-SERIAL1"]]);
  });

  it("keeps at most one lasting row per subject over any sequence of observations", () => {
    const subjects = ["A", "B", "C"];
    const observation = fc.record({
      status: fc.constantFrom<"pass" | "fail" | "unknown">("pass", "fail", "unknown"),
      failing: fc.subarray(subjects, { minLength: 1 }),
      minutes: fc.integer({ min: 0, max: 60 }),
    });
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 30 }), (observations) => {
        let lasting: ViolationRecord[] = [];
        let last: string | undefined;
        let n = 0;
        for (const o of observations) {
          const at = new Date(Date.parse(T0) + o.minutes * 60_000).toISOString();
          const r =
            o.status === "fail"
              ? result(
                  "fail",
                  o.failing.map((s) => usb(s)),
                )
              : result(o.status);
          const out = applyCheckResult(lasting, last, r, at, () => ({ id: `id-${++n}`, deviceId: "dev-1", check: "usb-storage" }));
          if (out.stale) continue;
          last = at;
          const byId = new Map(lasting.map((v) => [v.id, v]));
          for (const t of out.transitions) {
            if (t.kind === "resolved") byId.delete(t.violation.id);
            else byId.set(t.violation.id, t.violation);
          }
          lasting = [...byId.values()];
          // After a pass or fail the lasting rows are exactly the failing subjects.
          if (o.status !== "unknown")
            expect(lasting.map((v) => v.subject).sort()).toEqual(o.status === "fail" ? [...new Set(o.failing)].sort() : []);
          expect(new Set(lasting.map((v) => v.subject)).size).toBe(lasting.length);
          for (const v of lasting) expect(Date.parse(v.firstSeen)).toBeLessThanOrEqual(Date.parse(v.lastSeen));
        }
      }),
    );
  });
});
