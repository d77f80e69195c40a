import { describe, expect, it } from "vitest";
import {
  alive,
  asksOs,
  darwinShutdownState,
  ended,
  goodbyeReason,
  newRun,
  type OsState,
  parseBootId,
  parseControlLine,
  parsePrepareForSleep,
  parseReasonWord,
  previousRunOf,
  resumed,
  RunRecord,
  type StopCause,
  systemdState,
} from "./presence.js";

describe("goodbyeReason", () => {
  const sigterm: StopCause = { kind: "signal", signal: "SIGTERM" };
  it.each<[string, Parameters<typeof goodbyeReason>[0], StopCause, OsState, string]>([
    ["the reason file wins over a shutting-down OS", "upgrade", sigterm, "shutting-down", "upgrade"],
    ["the reason file wins over the service host", "uninstall", { kind: "control", reason: "system-shutdown" }, "unknown", "uninstall"],
    ["the service host's word without a file", undefined, { kind: "control", reason: "system-shutdown" }, "running", "system-shutdown"],
    ["a signal while systemd stops", undefined, sigterm, "shutting-down", "system-shutdown"],
    ["a signal while the OS runs: someone stopped the service", undefined, sigterm, "running", "service-stop"],
    ["a signal when the OS cannot be read", undefined, { kind: "signal", signal: "SIGINT" }, "unknown", "service-stop"],
    ["the service host gone (end of stdin)", undefined, { kind: "host-gone" }, "unknown", "service-stop"],
  ])("%s", (_name, file, cause, os, expected) => {
    expect(goodbyeReason(file, cause, os)).toBe(expected);
  });

  it("asks the OS only when a signal stopped the agent", () => {
    expect([
      asksOs({ kind: "signal", signal: "SIGTERM" }),
      asksOs({ kind: "control", reason: "service-stop" }),
      asksOs({ kind: "host-gone" }),
    ]).toEqual([true, false, false]);
  });
});

describe("the reason file and the control channel", () => {
  it.each([
    ["uninstall\n", "uninstall"],
    ["  upgrade  ", "upgrade"],
    ["system-shutdown", "system-shutdown"],
    ["reboot", undefined],
    ["uninstall now", undefined],
    ["", undefined],
  ])("reads %j as %s", (text, expected) => {
    expect(parseReasonWord(text)).toBe(expected);
  });

  it.each([
    ["stop service-stop", { kind: "stop", reason: "service-stop" }],
    ["stop system-shutdown\r", { kind: "stop", reason: "system-shutdown" }],
    ["sleep", { kind: "sleep" }],
    [" resume ", { kind: "resume" }],
    ["stop", { kind: "unknown", line: "stop" }],
    ["stop lunch", { kind: "unknown", line: "stop lunch" }],
    ["sleep now", { kind: "unknown", line: "sleep now" }],
  ])("parses the control line %j", (line, expected) => {
    expect(parseControlLine(line)).toEqual(expected);
  });
});

describe("what the OS says", () => {
  it.each([
    ["stopping\n", "shutting-down"],
    ["running\n", "running"],
    ["degraded\n", "running"],
    ["offline\n", "unknown"],
    ["", "unknown"],
  ])("systemctl is-system-running %j → %s", (stdout, state) => {
    expect(systemdState(stdout)).toBe(state);
  });

  it.each([
    ["1\n", "shutting-down"],
    ["0\n", "running"],
    ["", "unknown"],
  ])("sysctl kern.willshutdown %j → %s", (stdout, state) => {
    expect(darwinShutdownState(stdout)).toBe(state);
  });

  it("hears logind's PrepareForSleep in gdbus monitor lines, and nothing else", () => {
    expect(parsePrepareForSleep("/org/freedesktop/login1: org.freedesktop.login1.Manager.PrepareForSleep (true,)")).toBe("sleep");
    expect(parsePrepareForSleep("/org/freedesktop/login1: org.freedesktop.login1.Manager.PrepareForSleep (false,)")).toBe("resume");
    expect(parsePrepareForSleep("/org/freedesktop/login1: org.freedesktop.login1.Manager.PrepareForShutdown (true,)")).toBeUndefined();
    expect(parsePrepareForSleep("Monitoring signals from all objects owned by org.freedesktop.login1")).toBeUndefined();
  });

  it.each([
    ["2b0f3c1e-8a8e-4c8e-9d0a-6c2f1f0e9a77\n", "2b0f3c1e-8a8e-4c8e-9d0a-6c2f1f0e9a77"],
    ["\r\n2024-05-01T07:12:33Z\r\n", "2024-05-01T07:12:33Z"],
    ["", undefined],
    ["x".repeat(101), undefined],
  ])("reads the boot id %j", (text, expected) => {
    expect(parseBootId(text)).toBe(expected);
  });
});

describe("the run record", () => {
  const t0 = new Date("2026-03-01T10:00:00.000Z");
  const t1 = new Date("2026-03-01T10:05:00.000Z");

  it("starts running, stays alive, ends with its goodbye, and wakes running again", () => {
    const run = newRun("boot-a", t0);
    expect(run).toEqual({ bootId: "boot-a", startedAt: t0.toISOString(), lastAliveAt: t0.toISOString(), endedWith: null });
    expect(alive(run, t1)).toEqual({ ...run, lastAliveAt: t1.toISOString() });
    const slept = ended(run, "system-sleep", t1);
    expect(slept.endedWith).toBe("system-sleep");
    expect(resumed(slept, t1)).toEqual({ ...run, lastAliveAt: t1.toISOString() });
    expect(RunRecord.parse(JSON.parse(JSON.stringify(slept)))).toEqual(slept);
  });

  it("is told to the next run's hello as it was left; a run without a boot id says none", () => {
    expect(previousRunOf(ended(newRun("boot-a", t0), "upgrade", t1))).toEqual({
      bootId: "boot-a",
      startedAt: t0.toISOString(),
      lastAliveAt: t1.toISOString(),
      endedWith: "upgrade",
    });
    expect(previousRunOf(newRun(undefined, t0))).toEqual({ startedAt: t0.toISOString(), lastAliveAt: t0.toISOString(), endedWith: null });
  });
});
