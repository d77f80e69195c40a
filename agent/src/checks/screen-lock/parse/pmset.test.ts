import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parsePmsetSections, pmsetInteger, type PmsetSection } from "./pmset.js";
import { parsePmsetBatt } from "./pmset-batt.js";

const DIR = "macos/pmset";

function section(sections: PmsetSection[], name: string): PmsetSection {
  const found = sections.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no section ${name}`);
  return found;
}

describe("parsePmsetSections", () => {
  it("reads both profiles of pmset -g custom: Battery Power displaysleep 2 / sleep 1, AC Power displaysleep 10 / sleep 1", () => {
    const sections = parsePmsetSections(fixtureText(`${DIR}/macos-laptop-g-custom.txt`), "pmset -g custom");
    expect(sections.map((s) => s.name)).toEqual(["Battery Power", "AC Power"]);
    expect(pmsetInteger(section(sections, "Battery Power"), "displaysleep")).toBe(2);
    expect(pmsetInteger(section(sections, "Battery Power"), "sleep")).toBe(1);
    expect(pmsetInteger(section(sections, "AC Power"), "displaysleep")).toBe(10);
    expect(pmsetInteger(section(sections, "AC Power"), "sleep")).toBe(1);
    // Keys differ per profile: lessbright exists on battery only.
    expect(section(sections, "Battery Power").settings.lessbright).toBe("1");
    expect(section(sections, "AC Power").settings.lessbright).toBeUndefined();
    expect(section(sections, "AC Power").settings.hibernatefile).toBe("/var/vm/sleepimage");
    expect(section(sections, "AC Power").settings.highstandbythreshold).toBe("50");
  });

  it("reads pmset -g with sleep prevented: displaysleep 10, sleep 1 with its note, disksleep 10, SleepDisabled 0", () => {
    const sections = parsePmsetSections(fixtureText(`${DIR}/macos-laptop-g-sleep-prevented.txt`), "pmset -g");
    expect(section(sections, "System-wide power settings").settings.SleepDisabled).toBe("0");
    const inUse = section(sections, "Currently in use");
    expect(pmsetInteger(inUse, "displaysleep")).toBe(10);
    expect(inUse.settings.sleep).toBe("1 (sleep prevented by bluetoothd, coreaudiod)");
    expect(pmsetInteger(inUse, "sleep")).toBe(1);
    expect(pmsetInteger(inUse, "disksleep")).toBe(10);
  });

  it("reads the Hackintosh pmset -g: an empty System-wide section, a key with spaces, displaysleep 20", () => {
    const sections = parsePmsetSections(fixtureText(`${DIR}/macos-hackintosh-imac20-g-displaysleep-20.txt`), "pmset -g");
    expect(section(sections, "System-wide power settings").settings).toEqual({});
    const inUse = section(sections, "Currently in use");
    expect(inUse.settings["Sleep On Power Button"]).toBe("1");
    expect(pmsetInteger(inUse, "displaysleep")).toBe(20);
    expect(inUse.settings.sleep).toBe("1 (sleep prevented by sharingd, coreaudiod)");
  });

  it("reads tab-separated settings as real pmset prints some of them", () => {
    const sections = parsePmsetSections("System-wide power settings:\n SleepDisabled\t\t0\nAC Power:\n displaysleep\t5\n", "pmset");
    expect(section(sections, "System-wide power settings").settings.SleepDisabled).toBe("0");
    expect(pmsetInteger(section(sections, "AC Power"), "displaysleep")).toBe(5);
  });

  it.each([
    ["empty output", ""],
    ["a setting before any header", " displaysleep 10\n"],
    ["an error message", "pmset: invalid argument\n"],
  ])("refuses %s with a ParseError", (_name, text) => {
    expect(() => parsePmsetSections(text, "pmset")).toThrow(ParseError);
  });
});

describe("parsePmsetBatt", () => {
  it("reads the active source 'AC Power' and the internal battery at 87%, charging (macOS 26.5 MacBook Air)", () => {
    expect(parsePmsetBatt(fixtureText(`${DIR}/macos26.5-macbookair-g-batt.txt`), "pmset -g batt")).toEqual({
      powerSource: "AC Power",
      batteries: [{ name: "InternalBattery-0", percent: 87, state: "charging" }],
    });
  });

  it("reads a desktop Mac without a battery", () => {
    expect(parsePmsetBatt("Now drawing from 'AC Power'\n", "pmset -g batt")).toEqual({ powerSource: "AC Power", batteries: [] });
  });

  it("refuses output without the source line", () => {
    expect(() => parsePmsetBatt("garbage\n", "pmset -g batt")).toThrow(ParseError);
  });
});
