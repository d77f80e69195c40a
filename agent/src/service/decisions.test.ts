// The service's stages, one at a time, as Santa tests its sync stages: a state and an event in, the next state and what to do out.
import { type CheckResult, DEFAULT_POLICY, type EnforcementAction, fail, pass, unknown } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import {
  afterCheckRun,
  ENFORCE_RETRY_MS,
  enforceNow,
  type Latest,
  onInvalidFrame,
  onPolicyValid,
  onWelcome,
  requestChecks,
  type RunOutcome,
} from "./decisions.js";

const at = new Date("2026-01-02T03:04:05.000Z");
const stick = fail("usb-storage", [{ subject: "STICK-1", message: "a USB stick is attached", observed: "attached", expected: "none" }]);
const ejected: EnforcementAction = { check: "usb-storage", subject: "STICK-1", action: "eject", ok: true, detail: "ejected" };
const outcome = (result: CheckResult, enforcement: EnforcementAction[] = []): RunOutcome => ({ result, enforcement });
const latestOf = (...results: CheckResult[]): Map<CheckResult["check"], Latest> =>
  new Map(results.map((result) => [result.check, { result, observedAt: new Date(0), key: JSON.stringify(result) }]));

describe("stage: checks ran", () => {
  it("reports every result of the first run, and remembers each with when it was observed", () => {
    const step = afterCheckRun(new Map(), [outcome(pass("screen-lock")), outcome(stick)], at, false);
    expect(step.report).toEqual([pass("screen-lock"), stick]);
    expect([...step.latest.values()].map((l) => [l.result.check, l.observedAt])).toEqual([
      ["screen-lock", at],
      ["usb-storage", at],
    ]);
    expect(step.recheck).toEqual([]);
  });

  it("reports only what changed; an unchanged result is remembered as newly observed", () => {
    const step = afterCheckRun(
      latestOf(pass("screen-lock"), stick),
      [outcome(pass("screen-lock")), outcome(pass("usb-storage"))],
      at,
      false,
    );
    expect(step.report).toEqual([pass("usb-storage")]);
    expect(step.latest.get("screen-lock")?.observedAt).toEqual(at);
  });

  it("tells a changed reason apart (unknown for another reason is a change)", () => {
    const step = afterCheckRun(latestOf(unknown("software", "dpkg missing")), [outcome(unknown("software", "rpm missing"))], at, false);
    expect(step.report).toEqual([unknown("software", "rpm missing")]);
  });

  it("reports everything after a new policy, changed or not", () => {
    const step = afterCheckRun(latestOf(pass("screen-lock"), stick), [outcome(pass("screen-lock")), outcome(stick)], at, true);
    expect(step.report.map((r) => r.check)).toEqual(["screen-lock", "usb-storage"]);
  });

  it("reports an unchanged result that was acted on, with the actions, and looks at the acting check again", () => {
    const step = afterCheckRun(latestOf(pass("screen-lock"), stick), [outcome(pass("screen-lock")), outcome(stick, [ejected])], at, false);
    expect(step.report).toEqual([stick]);
    expect(step.enforcement).toEqual([ejected]);
    // Named by the action itself: no check id is written into the service.
    expect(step.recheck).toEqual(["usb-storage"]);
  });

  it("does not change the state it was given", () => {
    const before = latestOf(pass("screen-lock"));
    afterCheckRun(before, [outcome(fail("screen-lock", [{ subject: "alice", message: "m", observed: "o", expected: "e" }]))], at, false);
    expect(before.get("screen-lock")?.result).toEqual(pass("screen-lock"));
  });
});

describe("stage: the enforcement throttle", () => {
  it("acts once per subject per retry period, and again after it", () => {
    let last: ReadonlyMap<string, number> = new Map();
    const attempt = (subject: string, now: number): boolean => {
      const step = enforceNow(last, "usb-storage", subject, now);
      last = step.last;
      return step.act;
    };
    expect(attempt("STICK-1", 0)).toBe(true);
    expect(attempt("STICK-1", ENFORCE_RETRY_MS - 1)).toBe(false);
    expect(attempt("STICK-2", 1)).toBe(true);
    expect(attempt("STICK-1", ENFORCE_RETRY_MS)).toBe(true);
    expect(attempt("STICK-1", ENFORCE_RETRY_MS + 1)).toBe(false);
  });

  it("keys by check and subject: a subject name cannot collide across checks", () => {
    const first = enforceNow(new Map(), "usb-storage", "x", 0);
    expect(enforceNow(first.last, "software", "x", 1).act).toBe(true);
  });
});

describe("stage: checks requested", () => {
  it("queues one run, and merges what arrives while it waits (ids and the report-all wish)", () => {
    const first = requestChecks(undefined, ["usb-storage"], false);
    expect(first.merged).toBe(false);
    const second = requestChecks(first.waiting, ["screen-lock", "usb-storage"], true);
    expect(second.merged).toBe(true);
    expect([...second.waiting.checks].sort()).toEqual(["screen-lock", "usb-storage"]);
    expect(second.waiting.full).toBe(true);
    expect(requestChecks(second.waiting, ["software"], false).waiting.full).toBe(true);
  });
});

describe("stage: welcome", () => {
  it.each([
    ["the first welcome, same policy", false, true, 3, 3, { startHeartbeat: true, awaitingPolicy: false }],
    ["the first welcome, the server runs another policy", false, true, 0, 1, { startHeartbeat: true, awaitingPolicy: true }],
    ["a repeated welcome on the same connection", true, false, 0, 1, { startHeartbeat: false }],
    [
      "the first welcome of a reconnection while still counted connected",
      true,
      true,
      2,
      2,
      { startHeartbeat: false, awaitingPolicy: false },
    ],
  ] as const)("%s", (_name, connected, first, ours, theirs, expected) => {
    expect(onWelcome(connected, first, ours, theirs)).toEqual(expected);
  });
});

describe("stage: a pushed policy validated", () => {
  it.each([
    ["a new version: adopt it, judge everything again", 1, 2, false, { adopt: true, then: "recheck-all" }],
    ["a new version the full state waited for", 0, 1, true, { adopt: true, then: "recheck-all" }],
    ["the version in force, the full state held for it: send it now", 3, 3, true, { adopt: false, then: "full-state" }],
    ["the version in force, nothing held", 3, 3, false, { adopt: false, then: "nothing" }],
  ] as const)("%s", (_name, current, pushed, awaiting, expected) => {
    expect(onPolicyValid(current, pushed, awaiting)).toEqual(expected);
  });
});

describe("stage: a server frame did not validate", () => {
  it("refuses a broken policy with invalid_policy naming the field, and releases the held full state", () => {
    const step = onInvalidFrame(
      "policy: invalid",
      { type: "policy", policy: { version: 3, screenLock: { maxIdleSeconds: "often" } } },
      true,
    );
    expect(step.kind).toBe("refuse-policy");
    if (step.kind !== "refuse-policy") return;
    expect(step.error).toMatchObject({ type: "error", code: "invalid_policy" });
    expect(step.error.message).toMatch(/^policy refused: .*maxIdleSeconds/);
    expect(step.sendHeldFullState).toBe(true);
  });

  it("keeps the frame's own detail when the policy itself validates (the frame around it did not)", () => {
    const step = onInvalidFrame("unrecognized key: extra", { type: "policy", policy: DEFAULT_POLICY, extra: 1 }, false);
    expect(step).toMatchObject({ kind: "refuse-policy", detail: "unrecognized key: extra", sendHeldFullState: false });
  });

  it.each([
    ["another type", { type: "welcome", deviceId: 5 }, "welcome"],
    ["no type", { hello: 1 }, undefined],
    ["not an object", "text", undefined],
  ] as const)("ignores %s", (_name, raw, type) => {
    expect(onInvalidFrame("bad", raw, true)).toEqual({ kind: "ignore", type });
  });
});
