import { DEFAULT_POLICY } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { CurrentPolicy } from "./current.js";

describe("CurrentPolicy", () => {
  it("serialises the policy frame once per policy and anew after a replace", () => {
    const current = new CurrentPolicy(DEFAULT_POLICY);
    const first = current.frame;
    expect(JSON.parse(first.toString("utf8"))).toEqual({ type: "policy", policy: DEFAULT_POLICY });
    expect(current.frame).toBe(first);
    const next = { ...DEFAULT_POLICY, version: DEFAULT_POLICY.version + 1 };
    current.replace(next);
    expect(current.version).toBe(next.version);
    expect(JSON.parse(current.frame.toString("utf8"))).toEqual({ type: "policy", policy: next });
  });
});
