import { DEFAULT_POLICY, fail, pass, type EnforcementAction } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { ParseError } from "../runner/parse-error.js";
import { fakeRunner } from "../testing/fake-runner.js";
import { runCheck, runCheckOutcome } from "./engine.js";
import { onEveryOs, type CheckDefinition, type Collector } from "./types.js";

const collector = (collect: Collector<{ n: number }>["collect"]): Collector<{ n: number }> => ({ sources: [], collect });
const failing = fail("usb-storage", [{ subject: "STICK", message: "a stick", observed: "attached", expected: "none" }]);

function check(over: Partial<CheckDefinition<{ n: number }>> = {}): CheckDefinition<{ n: number }> {
  return { id: "usb-storage", collectors: onEveryOs(collector(async () => ({ n: 1 }))), evaluate: () => failing, ...over };
}

describe("running a check", () => {
  const runner = fakeRunner("linux", []);

  it.each([
    ["a parser's error, in its own words", new ParseError("lsblk", "expected JSON"), "cannot parse lsblk: expected JSON"],
    ["any other collector error, as a collector failure", new Error("boom"), "collector failed: boom"],
  ])("makes the check unknown on %s", async (_case, error, reason) => {
    const result = await runCheck(check({ collectors: onEveryOs(collector(() => Promise.reject(error))) }), runner, DEFAULT_POLICY);
    expect(result).toMatchObject({ check: "usb-storage", status: "unknown", reason });
  });

  it("makes the check unknown when its evaluator throws", async () => {
    const result = await runCheck(
      check({
        evaluate: () => {
          throw new Error("bad rule");
        },
      }),
      runner,
      DEFAULT_POLICY,
    );
    expect(result).toMatchObject({ status: "unknown", reason: "evaluation failed: bad rule" });
  });

  it("enforces only a failing result, only when the service asks", async () => {
    const done: EnforcementAction = { check: "usb-storage", subject: "STICK", action: "eject", ok: true, detail: "ejected" };
    const enforcing = check({ enforce: { check: "usb-storage", action: "eject", act: async () => [done] } });
    expect((await runCheckOutcome(enforcing, runner, DEFAULT_POLICY, () => true)).enforcement).toEqual([done]);
    expect((await runCheckOutcome(enforcing, runner, DEFAULT_POLICY)).enforcement).toEqual([]);
    expect(
      (await runCheckOutcome({ ...enforcing, evaluate: () => pass("usb-storage") }, runner, DEFAULT_POLICY, () => true)).enforcement,
    ).toEqual([]);
  });

  it("keeps the verdict when enforcement throws, and reports the failure under the check and action its definition names", async () => {
    const enforcing = check({ enforce: { check: "usb-storage", action: "eject", act: () => Promise.reject(new Error("udisksctl hung")) } });
    const outcome = await runCheckOutcome(enforcing, runner, DEFAULT_POLICY, () => true);
    expect(outcome.result).toEqual(failing);
    expect(outcome.enforcement).toEqual([
      { check: "usb-storage", subject: "*", action: "eject", ok: false, detail: "enforcement failed: udisksctl hung" },
    ]);
  });
});
