import type { PreviousRun } from "@wegroup/shared";
import { describe, expect, it } from "vitest";
import { canonicalReason, gapText, goodbyeOpens, lastGoodbye, onReturn, stoppedText, unseenText } from "./presence.js";

describe("goodbyeOpens", () => {
  it.each([
    ["service-stop", true],
    ["uninstall", true],
    ["system-shutdown", false],
    ["system-sleep", false],
    ["upgrade", false],
    ["reboot", false],
    [null, false],
  ] as const)("%s → %s", (reason, opens) => {
    expect(goodbyeOpens(reason)).toBe(opens);
  });
});

describe("canonicalReason", () => {
  it("reads the old reboot as system-shutdown, keeps the current ones and drops anything else", () => {
    expect(["reboot", "upgrade", "system-sleep", "nonsense", null].map(canonicalReason)).toEqual([
      "system-shutdown",
      "upgrade",
      "system-sleep",
      undefined,
      undefined,
    ]);
  });
});

describe("onReturn", () => {
  const at = "2026-03-01T12:47:00.000Z";
  const run = (over: Partial<PreviousRun>): PreviousRun => ({
    bootId: "boot-a",
    startedAt: "2026-03-01T08:00:00.000Z",
    lastAliveAt: "2026-03-01T12:00:00.000Z",
    endedWith: null,
    ...over,
  });

  it("finds the gap of a run that ended without a goodbye in the same OS boot, from its last sign of life to now", () => {
    expect(onReturn(run({}), "boot-a", at)).toEqual({ kind: "gap", minutes: 47, from: "2026-03-01T12:00:00.000Z", to: at });
  });

  it.each<[string, PreviousRun | undefined, string | undefined, string]>([
    ["the first run", undefined, "boot-a", "first-run"],
    ["a run that said an upgrade goodbye", run({ endedWith: "upgrade" }), "boot-a", "clean-end"],
    ["a sleep goodbye", run({ endedWith: "system-sleep" }), "boot-a", "clean-end"],
    ["a new boot: the OS restarted (crash, power cut), not the agent's doing", run({}), "boot-b", "new-boot"],
    ["no boot id now", run({}), undefined, "boot-unknown"],
    ["no boot id then", run({ bootId: undefined }), "boot-a", "boot-unknown"],
  ])("records nothing for %s", (_name, previous, bootId, why) => {
    expect(onReturn(previous, bootId, at)).toEqual({ kind: "none", why });
  });

  it("judges a service-stop or uninstall goodbye the server never heard (said while offline) as a gap, and one it heard as clean", () => {
    const stoppedOffline = run({ endedWith: "service-stop" });
    expect(onReturn(stoppedOffline, "boot-a", at, undefined)).toEqual({
      kind: "gap",
      minutes: 47,
      from: "2026-03-01T12:00:00.000Z",
      to: at,
      said: "service-stop",
    });
    expect(onReturn(stoppedOffline, "boot-a", at, "2026-03-01T07:00:00.000Z")).toMatchObject({ kind: "gap", said: "service-stop" });
    expect(onReturn(stoppedOffline, "boot-a", at, "2026-03-01T12:00:00.000Z")).toEqual({ kind: "none", why: "clean-end" });
    expect(onReturn(run({ endedWith: "system-sleep" }), "boot-a", at, undefined)).toEqual({ kind: "none", why: "clean-end" });
    expect(gapText({ kind: "gap", minutes: 3, from: at, to: at, said: "uninstall" }, "boot-a").observed).toMatch(
      /after a goodbye \(uninstall\) the server never received$/,
    );
  });

  it("never answers a negative gap when the agent's clock ran ahead", () => {
    expect(onReturn(run({ lastAliveAt: "2026-03-01T13:00:00.000Z" }), "boot-a", at)).toEqual({ kind: "gap", minutes: 0, from: at, to: at });
  });
});

describe("what agent-silent says", () => {
  it("states the gap in minutes, with the boot it happened in", () => {
    const text = gapText({ kind: "gap", minutes: 47, from: "2026-03-01T12:00:00.000Z", to: "2026-03-01T12:47:00.000Z" }, "boot-a");
    expect(text.message).toBe("agent was not running for 47 min while the OS was up");
    expect(text.observed).toBe(
      "last alive at 2026-03-01T12:00:00.000Z, back at 2026-03-01T12:47:00.000Z, in the same OS boot (boot-a), with no goodbye",
    );
  });

  it("names the goodbye of a stopped agent", () => {
    expect(stoppedText("uninstall", "2026-03-01T12:00:00.000Z")).toMatchObject({
      message: "agent stopped on the device",
      observed: "last frame: goodbye (uninstall) at 2026-03-01T12:00:00.000Z",
    });
  });

  it("says since when a device is unseen, and the policy's bound", () => {
    expect(unseenText("2026-03-01T12:00:00.000Z", "2026-01-01T00:00:00.000Z", 14)).toEqual({
      message: "no heartbeat since 2026-03-01T12:00:00.000Z",
      observed: "last frame at 2026-03-01T12:00:00.000Z",
      expected: "a frame at least every 14 days (maxOfflineDays)",
    });
    expect(unseenText(null, "2026-01-01T00:00:00.000Z", 3).observed).toBe("no frame since enrollment at 2026-01-01T00:00:00.000Z");
  });
});

describe("lastGoodbye", () => {
  it.each<[string, { lastSeen: string | null; goodbyeAt: string | null; goodbyeReason: string | null }, ReturnType<typeof lastGoodbye>]>([
    [
      "a goodbye as the last frame",
      { lastSeen: "2026-03-01T12:00:00.500Z", goodbyeAt: "2026-03-01T12:00:00.000Z", goodbyeReason: "system-sleep" },
      { reason: "system-sleep", at: "2026-03-01T12:00:00.000Z" },
    ],
    [
      "a stored reboot",
      { lastSeen: "2026-03-01T12:00:00.000Z", goodbyeAt: "2026-03-01T12:00:00.000Z", goodbyeReason: "reboot" },
      { reason: "system-shutdown", at: "2026-03-01T12:00:00.000Z" },
    ],
    [
      "frames after the goodbye",
      { lastSeen: "2026-03-01T12:05:00.000Z", goodbyeAt: "2026-03-01T12:00:00.000Z", goodbyeReason: "service-stop" },
      undefined,
    ],
    ["no goodbye ever", { lastSeen: "2026-03-01T12:05:00.000Z", goodbyeAt: null, goodbyeReason: null }, undefined],
  ])("%s", (_name, row, expected) => {
    expect(lastGoodbye(row)).toEqual(expected);
  });
});
