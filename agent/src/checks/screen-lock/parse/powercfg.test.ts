import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeWindowsOutput } from "../../../platform/win32/windows-text.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { CONSOLELOCK_GUID, VIDEOIDLE_GUID, parsePowercfgList, parsePowercfgSetting, powercfgQueriedScheme } from "./powercfg.js";

const DISKIDLE_GUID = "6738e2c4-e8a5-4a42-b16a-e040e769756e";
const DISPLAY = "windows/powercfg/en-balanced-q-display-subgroup-excerpt.txt";
const HEAD = "windows/powercfg/en-balanced-q-head-excerpt.txt";
const NORMALIZED = "windows/powercfg/en-videoidle-900-whitespace-normalized-excerpt.txt";

/** The labels Windows prints in German; GUIDs and values are not translated. */
function german(text: string): string {
  return text
    .replace(/Power Scheme GUID/g, "GUID des Energieschemas")
    .replace(/Subgroup GUID/g, "GUID der Untergruppe")
    .replace(/Power Setting GUID/g, "GUID der Energieeinstellung")
    .replace(/GUID Alias/g, "GUID-Alias")
    .replace(/Minimum Possible Setting/g, "Minimal mögliche Einstellung")
    .replace(/Maximum Possible Setting/g, "Maximal mögliche Einstellung")
    .replace(/Possible Settings increment/g, "Mögliche Einstellungen (Schritte)")
    .replace(/Possible Settings units: Seconds/g, "Mögliche Einstellungen (Einheiten): Sekunden")
    .replace(/Possible Setting Index/g, "Möglicher Einstellungsindex")
    .replace(/Possible Setting Friendly Name/g, "Anzeigename der möglichen Einstellung")
    .replace(/Current AC Power Setting Index/g, "Index der aktuellen Wechselstromeinstellung")
    .replace(/Current DC Power Setting Index/g, "Index der aktuellen Gleichstromeinstellung")
    .replace(/\(Turn off display after\)/g, "(Bildschirm ausschalten nach)");
}

describe("parsePowercfgSetting", () => {
  it("reads VIDEOIDLE from en-balanced-q-display-subgroup-excerpt.txt: AC 600 s, DC 300 s, not the PROCTHROTTLEMAX pair before it", () => {
    expect(parsePowercfgSetting(fixtureText(DISPLAY), VIDEOIDLE_GUID, "powercfg")).toEqual({ ac: 600, dc: 300 });
  });

  it("reads en-videoidle-900-whitespace-normalized-excerpt.txt without relying on indentation: AC and DC 900 s", () => {
    expect(parsePowercfgSetting(fixtureText(NORMALIZED), VIDEOIDLE_GUID, "powercfg")).toEqual({ ac: 900, dc: 900 });
  });

  it("finds no VIDEOIDLE in en-balanced-q-head-excerpt.txt (unknown), and its first seconds pair is DISKIDLE's 1200/600", () => {
    expect(() => parsePowercfgSetting(fixtureText(HEAD), VIDEOIDLE_GUID, "powercfg")).toThrow(
      /3c0bc021-c8a8-4e07-a973-6b14cbcb2b7e is not in the output/,
    );
    expect(parsePowercfgSetting(fixtureText(HEAD), DISKIDLE_GUID, "powercfg")).toEqual({ ac: 1200, dc: 600 });
  });

  it("reads a choice setting (the derived CONSOLELOCK block): only AC and DC are hex", () => {
    const text = fixtureText("windows/powercfg/en-balanced-scheme-current-sub-none-consolelock-off.derived.txt");
    expect(parsePowercfgSetting(text, CONSOLELOCK_GUID, "powercfg")).toEqual({ ac: 0, dc: 0 });
  });

  it("reads German output the same, by GUID and position", () => {
    for (const file of [DISPLAY, NORMALIZED]) {
      const text = fixtureText(file);
      expect(parsePowercfgSetting(german(text), VIDEOIDLE_GUID, "powercfg")).toEqual(
        parsePowercfgSetting(text, VIDEOIDLE_GUID, "powercfg"),
      );
    }
  });

  it("reads UTF-16LE output with CRLF", () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(german(fixtureText(DISPLAY)).replace(/\n/g, "\r\n"), "utf16le")]);
    expect(parsePowercfgSetting(decodeWindowsOutput(bytes), VIDEOIDLE_GUID, "powercfg")).toEqual({ ac: 600, dc: 300 });
  });

  it("refuses a block cut before its current values instead of reading minimum and maximum as AC and DC", () => {
    const lines = fixtureText(NORMALIZED).split("\n");
    for (let keep = 5; keep < 10; keep++) {
      expect(() => parsePowercfgSetting(lines.slice(0, keep).join("\n"), VIDEOIDLE_GUID, "powercfg")).toThrow(ParseError);
    }
  });

  it("refuses a block whose lines were reordered into another setting's block", () => {
    const text = fixtureText(DISPLAY);
    const swapped = text
      .replace("3c0bc021-c8a8-4e07-a973-6b14cbcb2b7e", "XXXX")
      .replace("aded5e82-b909-4619-9949-f5d71dac0bcb", VIDEOIDLE_GUID);
    expect(() => parsePowercfgSetting(swapped, VIDEOIDLE_GUID, "powercfg")).toThrow(/expected 5 hex values .*found 2/);
  });
});

describe("powercfg schemes", () => {
  it("reads en-list-high-performance-active.txt: 3 schemes, High performance active", () => {
    const schemes = parsePowercfgList(fixtureText("windows/powercfg/en-list-high-performance-active.txt"), "powercfg /l");
    expect(schemes).toEqual([
      { guid: "381b4222-f694-41f0-9685-ff5bb260df2e", name: "Balanced", active: false },
      { guid: "8c5e7fda-e8bf-4a96-9a85-a6e23a8c635c", name: "High performance", active: true },
      { guid: "a1841308-3541-4fab-bc81-f71556f20b4a", name: "Power saver", active: false },
    ]);
  });

  it("reads the German list by GUID and star", () => {
    const text =
      "\nBestehende Energieschemen (* Aktiv)\n-----------------------------------\nGUID des Energieschemas: 381b4222-f694-41f0-9685-ff5bb260df2e  (Ausbalanciert) *\n";
    expect(parsePowercfgList(text, "powercfg /l")).toEqual([
      { guid: "381b4222-f694-41f0-9685-ff5bb260df2e", name: "Ausbalanciert", active: true },
    ]);
  });

  it("refuses a list without an active scheme or with a foreign line", () => {
    expect(() => parsePowercfgList("x\n---\nPower Scheme GUID: 381b4222-f694-41f0-9685-ff5bb260df2e  (Balanced)\n", "p")).toThrow(
      /exactly one active/,
    );
    expect(() => parsePowercfgList("x\n---\nAccess denied\n", "p")).toThrow(ParseError);
  });

  it("names the scheme a query was about (en-balanced-q-head-excerpt.txt: Balanced)", () => {
    expect(powercfgQueriedScheme(fixtureText(HEAD))).toEqual({ guid: "381b4222-f694-41f0-9685-ff5bb260df2e", name: "Balanced" });
  });
});
