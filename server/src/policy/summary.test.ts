import { DEFAULT_POLICY, type Policy } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { summarizePolicyChange } from "./summary.js";

const base: Policy = {
  version: 1,
  screenLock: { maxIdleSeconds: 900, requirePassword: true },
  usbStorage: { allowed: false, enforce: "report", exceptions: [{ vendorId: "0781", productId: "5581" }] },
  software: { mode: "allowlist", allow: [{ name: "firefox*", source: "dpkg" }], deny: [{ id: "nmap", name: "nmap" }, { name: "john" }] },
  heartbeatSeconds: 60,
  maxOfflineDays: 14,
};
const edit = (change: (p: Policy) => void): Policy => {
  const p = structuredClone(base);
  change(p);
  return { ...p, version: 2 };
};

describe("summarizePolicyChange", () => {
  it.each<[string, Policy, string]>([
    ["nothing but the version", edit(() => {}), "no changes"],
    ["a scalar", edit((p) => (p.screenLock.maxIdleSeconds = 600)), "screenLock.maxIdleSeconds 900→600"],
    ["the offline bound", edit((p) => (p.maxOfflineDays = 30)), "maxOfflineDays 14→30"],
    [
      "booleans and enums",
      edit((p) => ((p.usbStorage.allowed = true), (p.usbStorage.enforce = "eject"), (p.software.mode = "denylist"))),
      "usbStorage.allowed false→true; usbStorage.enforce report→eject; software.mode allowlist→denylist",
    ],
    [
      "rules added and removed, named by id or name",
      edit((p) => {
        p.software.deny = [{ id: "nmap", name: "nmap" }, { name: "masscan" }, { name: "zmap" }];
      }),
      "software.deny: +2 rules (masscan, zmap), −1 (john)",
    ],
    [
      "one rule added",
      edit((p) => p.software.allow.push({ publisher: "Microsoft Corporation" })),
      "software.allow: +1 rule (publisher Microsoft Corporation)",
    ],
    [
      "an edited rule shows as one out, one in",
      edit((p) => (p.software.allow[0] = { name: "firefox*", source: "dpkg", version: ">=115" })),
      "software.allow: +1 rule (firefox* [dpkg] >=115), −1 (firefox* [dpkg])",
    ],
    ["the laptop-user switch turned off (absent means on)", edit((p) => (p.notifyUser = false)), "notifyUser true→false"],
    ["the laptop-user switch said explicitly on is no change", edit((p) => (p.notifyUser = true)), "no changes"],
    ["a reordered list", edit((p) => p.software.deny.reverse()), "software.deny: reordered"],
    ["key order inside a rule is no change", edit((p) => (p.software.allow[0] = { source: "dpkg", name: "firefox*" })), "no changes"],
    [
      "USB exceptions",
      edit((p) => (p.usbStorage.exceptions = [{ serial: "4C530001" }])),
      "usbStorage.exceptions: +1 exception (serial 4C530001), −1 (0781:5581)",
    ],
    [
      "several parts at once, in document order",
      edit((p) => ((p.heartbeatSeconds = 30), (p.screenLock.requirePassword = false))),
      "screenLock.requirePassword true→false; heartbeatSeconds 60→30",
    ],
  ])("describes %s", (_name, after, expected) => {
    expect(summarizePolicyChange(base, after)).toBe(expected);
  });

  it("says so for the first version", () => {
    expect(summarizePolicyChange(undefined, base)).toBe("first version");
  });

  it("names at most five entries per side and counts them all", () => {
    const after = edit((p) => (p.software.deny = [...p.software.deny, ...["a", "b", "c", "d", "e", "f", "g"].map((name) => ({ name }))]));
    expect(summarizePolicyChange(base, after)).toBe("software.deny: +7 rules (a, b, c, d, e, …)");
  });

  it("names a tool of several rules once by its id", () => {
    const after: Policy = {
      ...DEFAULT_POLICY,
      version: 2,
      software: { ...DEFAULT_POLICY.software, deny: DEFAULT_POLICY.software.deny.filter((r) => r.id !== "john") },
    };
    const removed = DEFAULT_POLICY.software.deny.filter((r) => r.id === "john").length;
    expect(removed).toBeGreaterThan(1);
    expect(summarizePolicyChange(DEFAULT_POLICY, after)).toBe(`software.deny: −${removed} (john)`);
  });
});
