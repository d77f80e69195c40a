import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { fixtureText } from "../../testing/fixtures.js";
import { looksLikePsTable, parsePsTable } from "./ps-table.js";

const FILE = "windows/ps-uninstall/en-winserver-select-displayname-version-table-excerpt.txt";

describe("parsePsTable", () => {
  it("reads en-winserver-select-displayname-version-table-excerpt.txt: 15 rows, 2 blank, 3 without Version, trailing spaces ignored", () => {
    const rows = parsePsTable(fixtureText(FILE), FILE);
    expect(rows).toHaveLength(15);
    expect(rows.filter((r) => Object.keys(r).length === 0)).toHaveLength(2);
    expect(rows.filter((r) => r.DisplayName !== undefined && r.Version === undefined).map((r) => r.DisplayName)).toEqual([
      "7-Zip 19.00 (x64)",
      "DiskMax 6.21",
      "Git",
    ]);
    expect(rows).toContainEqual({ DisplayName: "Microsoft Visual C++ 2022 X64 Additional Runtime - 14.36.32532", Version: "237272852" });
    expect(rows.at(-1)).toEqual({ DisplayName: "Veeam Agent for Microsoft Windows", Version: "100728832" });
  });

  it("takes the columns from the dashes, so headers and values may hold spaces", () => {
    const rows = parsePsTable("Display Name      Disk Number\n------------      -----------\nSanDisk Cruzer    1\n", "x");
    expect(rows).toEqual([{ "Display Name": "SanDisk Cruzer", "Disk Number": "1" }]);
  });

  it("is recognised by its underline", () => {
    expect(looksLikePsTable(fixtureText(FILE))).toBe(true);
    expect(looksLikePsTable("A : 1\n")).toBe(false);
  });

  it("throws a ParseError without the underline", () => {
    expect(() => parsePsTable("DisplayName Version\n7-Zip 19.00\n", "x")).toThrow(ParseError);
  });
});
