import type { CheckResult, CheckViolation } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { decideNotifications, EMPTY_NOTIFY_STATE, type NotifyState } from "./decide.js";

const limits = { maxPerWindow: 3, windowMs: 600_000 };
const v = (subject: string): CheckViolation => ({ subject, message: `${subject} is wrong`, observed: "o", expected: "e" });
const usb = (...serials: string[]): CheckResult => ({
  check: "usb-storage",
  status: serials.length > 0 ? "fail" : "pass",
  violations: serials.map(v),
});
const software = (...keys: string[]): CheckResult => ({
  check: "software",
  status: keys.length > 0 ? "fail" : "pass",
  violations: keys.map(v),
});
const unknownUsb: CheckResult = { check: "usb-storage", status: "unknown", violations: [], reason: "lsblk: not installed" };

function run(state: NotifyState, results: CheckResult[], now: number, enabled = true): { subjects: string[]; state: NotifyState } {
  const step = decideNotifications(state, results, now, limits, enabled);
  return { subjects: step.due.map((d) => `${d.check}:${d.violation.subject}`), state: step.state };
}

describe("decideNotifications", () => {
  it("tells about each violation once while it lasts", () => {
    const first = run(EMPTY_NOTIFY_STATE, [usb("S1")], 0);
    expect(first.subjects).toEqual(["usb-storage:S1"]);
    expect(run(first.state, [usb("S1")], 1_000).subjects).toEqual([]);
    expect(run(first.state, [usb("S1", "S2")], 2_000).subjects).toEqual(["usb-storage:S2"]);
  });

  it("tells again when a violation ended and opened again", () => {
    const told = run(EMPTY_NOTIFY_STATE, [usb("S1")], 0).state;
    const ended = run(told, [usb()], 1_000);
    expect(ended.state.notified).toEqual([]);
    expect(run(ended.state, [usb("S1")], 2_000).subjects).toEqual(["usb-storage:S1"]);
  });

  it("forgets nothing while a check cannot tell (unknown), nor for checks that did not run", () => {
    const told = run(EMPTY_NOTIFY_STATE, [usb("S1"), software("nmap")], 0).state;
    const unsure = run(told, [unknownUsb], 1_000);
    expect(unsure.state.notified).toEqual(told.notified);
    expect(run(unsure.state, [usb("S1"), software("nmap")], 2_000).subjects).toEqual([]);
  });

  it("shows at most maxPerWindow in a window; the rest wait their turn and are told when the window has room", () => {
    const burst = run(EMPTY_NOTIFY_STATE, [software("a", "b", "c", "d", "e")], 0);
    expect(burst.subjects).toEqual(["software:a", "software:b", "software:c"]);
    expect(run(burst.state, [software("a", "b", "c", "d", "e")], 599_999).subjects).toEqual([]);
    const later = run(burst.state, [software("a", "b", "c", "d", "e")], 600_000);
    expect(later.subjects).toEqual(["software:d", "software:e"]);
    // One that ended while waiting is never told about.
    expect(run(burst.state, [software("a", "b", "c", "e")], 600_000).subjects).toEqual(["software:e"]);
  });

  it("tells nothing and marks nothing while the policy switch is off; switched on, it tells what is open then", () => {
    const off = run(EMPTY_NOTIFY_STATE, [usb("S1")], 0, false);
    expect(off.subjects).toEqual([]);
    expect(off.state.notified).toEqual([]);
    expect(run(off.state, [usb("S1")], 1_000, true).subjects).toEqual(["usb-storage:S1"]);
  });

  it("never tells about a check that passes or cannot tell", () => {
    expect(run(EMPTY_NOTIFY_STATE, [usb(), unknownUsb], 0).subjects).toEqual([]);
  });
});
