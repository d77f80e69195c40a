import { DEFAULT_POLICY, type Policy } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { IDLE, onPolicyDone, onPolicyFrame, type PolicyQueue } from "./policy-order.js";

const v = (version: number): Policy => ({ ...DEFAULT_POLICY, version });

describe("pushed policies in order, one at a time", () => {
  it("applies the first of a burst at once and the newest of the rest next, ending on the newest", () => {
    const applied: number[] = [];
    let queue: PolicyQueue = IDLE;
    const start = (step: { queue: PolicyQueue; apply?: Policy }) => {
      queue = step.queue;
      if (step.apply !== undefined) applied.push(step.apply.version);
    };
    for (const version of [2, 3, 4, 5]) start(onPolicyFrame(queue, v(version)));
    expect(applied).toEqual([2]);
    start(onPolicyDone(queue));
    expect(applied).toEqual([2, 5]);
    start(onPolicyDone(queue));
    expect(queue).toEqual(IDLE);
    start(onPolicyFrame(queue, v(6)));
    expect(applied).toEqual([2, 5, 6]);
  });
});
