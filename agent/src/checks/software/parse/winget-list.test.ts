import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { decodeWindowsOutput } from "../../../platform/win32/windows-text.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseWingetList } from "./winget-list.js";

const NO_AVAILABLE = "windows/winget/en-2021-list-no-available-source-columns-excerpt.txt";
const TRUNCATED = "windows/winget/en-2021-list-truncated-ids-excerpt.txt";
const JAPANESE = "windows/winget/ja-JP-list-excerpt.txt";

describe("parseWingetList", () => {
  it("reads en-2021-list-no-available-source-columns-excerpt.txt: 3 columns, ids with spaces, Unknown version", () => {
    const rows = parseWingetList(fixtureText(NO_AVAILABLE), "winget list");
    expect(rows).toHaveLength(7);
    expect(rows.map((r) => r.id)).toEqual([
      "339020b868450372",
      "79d4859593898a7c",
      "ActiveTouchMeetingClient",
      "Adobe AIR",
      "Adobe Flash Player NPAPI",
      "CanonicalGroupLimited.Ubuntu20.04onWindows_79rhkp1fndgsc",
      "Cisco AnyConnect Secure Mobility Client",
    ]);
    expect(rows[2]).toEqual({
      name: "Cisco Webex Meetings",
      id: "ActiveTouchMeetingClient",
      version: "",
      nameTruncated: false,
      idTruncated: false,
    });
    expect(rows[5]).toMatchObject({ name: "CanonicalGroupLimited.Ubuntu20.04onWindows", version: "2004.2021.222.0" });
    expect(rows.every((r) => r.available === undefined && r.source === undefined)).toBe(true);
  });

  it("reads en-2021-list-truncated-ids-excerpt.txt: ids cut with …, only Git has Available and Source", () => {
    const rows = parseWingetList(fixtureText(TRUNCATED), "winget list");
    expect(rows).toHaveLength(8);
    expect(rows.filter((r) => r.idTruncated).map((r) => r.id)).toEqual([
      "8b5526fe-0870-42b7-bde0-da8c4c7ea1aa_kw",
      "DolbyLaboratories.DolbyAccessOEM_rz1teb",
    ]);
    expect(rows.find((r) => r.id === "Git.Git")).toEqual({
      name: "Git",
      id: "Git.Git",
      version: "2.31.0.0.1",
      available: "2.33.0.2",
      source: "winget",
      nameTruncated: false,
      idTruncated: false,
    });
    expect(rows.filter((r) => r.available !== undefined || r.source !== undefined)).toHaveLength(1);
    expect(rows.find((r) => r.id === "CodeFlow_is1")?.version).toBe("");
  });

  it("reads ja-JP-list-excerpt.txt by display columns: localized headers, 4th column is Source", () => {
    const rows = parseWingetList(fixtureText(JAPANESE), "winget list");
    expect(rows.map((r) => [r.name, r.id, r.version, r.source])).toEqual([
      ["7-Zip", "7zip.7zip", "21.07", "winget"],
      ["Amazon Kindle", "Amazon.Kindle", "1.33.0.62002", "winget"],
      ["Ubuntu 20.04 LTS", "Canonical.Ubuntu.2004", "2004.2022.8.0", "winget"],
      ["Chromium", "Chromium", "97.0.4692.99", undefined],
      ["Creative Sound Blaster USB Audio Drivers Installer", "CtKsUSBDrvInst_is1", "1.0.03.02", undefined],
    ]);
  });

  it("skips progress-spinner lines before the table and reads UTF-16 output", () => {
    const withSpinner = `\r-\r\\\r|\r/\r   \r${fixtureText(TRUNCATED).replace(/\n/g, "\r\n")}`;
    const bytes = iconv.encode(withSpinner, "utf16le");
    expect(parseWingetList(decodeWindowsOutput(bytes), "winget list")).toEqual(parseWingetList(fixtureText(TRUNCATED), "winget list"));
  });

  it.each([
    ["no table at all", "No installed package found matching input criteria.\r\n"],
    ["a table cut inside the header", "Name     Id"],
    ["a row with no id", "Name   Id     Version\n--------------------------\nLonely\n"],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parseWingetList(text, "winget list")).toThrow(ParseError);
  });
});
