import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureFiles, fixtureText } from "../../../testing/fixtures.js";
import { parseSysadminctlScreenLock } from "./sysadminctl.js";

const DIR = "macos/sysadminctl-screenlock";

describe("parseSysadminctlScreenLock", () => {
  it.each([
    ["macos26.5-macbookair-stderr-delay-300-seconds.txt", 300],
    ["macos26.5-macbookair-stderr-immediate.txt", 0],
    ["macos26.5-macbookair-stderr-off.txt", null],
    ["macos-2026-macbookpro-stderr-immediate.txt", 0],
    ["macos-2026-macbookpro-stderr-off.txt", null],
    ["macos14.8.7-arm64-stderr-immediate.txt", 0],
  ])("reads %s (stderr) as a lock delay of %s", (file, expected) => {
    expect(parseSysadminctlScreenLock(fixtureText(`${DIR}/${file}`), "sysadminctl")).toBe(expected);
  });

  it("covers every recorded sysadminctl output", () => {
    for (const file of fixtureFiles(DIR)) expect(() => parseSysadminctlScreenLock(fixtureText(`${DIR}/${file}`), file)).not.toThrow();
  });

  it("reads the line when stdout and stderr arrive together, with or without the NSLog prefix", () => {
    expect(parseSysadminctlScreenLock("\nscreenLock delay is 5 seconds\n", "x")).toBe(5);
    expect(parseSysadminctlScreenLock("2026-01-01 00:00:00.000 sysadminctl[1:2] screenLock delay is 1 second\n", "x")).toBe(1);
  });

  it.each([
    ["empty output (stderr not captured)", ""],
    ["an error instead of a status", "2026-06-12 20:21:23.188 sysadminctl[1:2] Unknown state for screenLock (0)\n"],
    ["a password prompt", "Password is required!\n"],
    ["a status without a delay", "screenLock is on\n"],
  ])("refuses %s with a ParseError", (_name, text) => {
    expect(() => parseSysadminctlScreenLock(text, "sysadminctl")).toThrow(ParseError);
  });
});
