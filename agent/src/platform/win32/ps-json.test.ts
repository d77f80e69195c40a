import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { parsePsJson, psBoolean, psInteger, psString, psStringList } from "./ps-json.js";
import { parsePsObjects, sniffPsFormat } from "./ps-objects.js";

describe("parsePsJson", () => {
  it.each([
    ["one object", '{"Number":0}', [{ Number: 0 }]],
    ["an array", '[{"Number":0},{"Number":1}]', [{ Number: 0 }, { Number: 1 }]],
    ["5.1's value/Count wrapper", '{"value":[{"Number":0}],"Count":1}', [{ Number: 0 }]],
    ["nothing (no objects)", "\r\n", []],
  ])("reads %s", (_what, text, expected) => {
    expect(parsePsJson(text, "x")).toEqual(expected);
  });

  it.each([
    ["truncated JSON", '[{"Number":0},{"Numb'],
    ["an array of numbers", "[1,2]"],
    ["a bare string", '"USB"'],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parsePsJson(text, "Get-Disk")).toThrow(ParseError);
  });

  it("reads loose property types the way PowerShell writes them", () => {
    const item = { size: "16008609792", IsBoot: "False", Name: "  x  ", AccessPaths: { value: ["E:\\", "\\\\?\\Volume{1}\\"], Count: 2 } };
    expect(psInteger(item, "Size", "x")).toBe(16008609792);
    expect(psBoolean(item, "isboot")).toBe(false);
    expect(psString(item, "name")).toBe("x");
    expect(psStringList(item, "AccessPaths")).toEqual(["E:\\", "\\\\?\\Volume{1}\\"]);
    expect(psStringList({ AccessPaths: "{E:\\, \\\\?\\Volume{1}\\}" }, "AccessPaths")).toEqual(["E:\\", "\\\\?\\Volume{1}\\"]);
    expect(() => psInteger({ Size: "big" }, "Size", "x")).toThrow(ParseError);
  });
});

describe("sniffPsFormat", () => {
  it.each([
    ['[{"a":1}]', "json"],
    ["\nA : 1\n", "list"],
    ["A    B\n-    -\n1    2\n", "table"],
    ["  \r\n", "empty"],
  ])("%j is %s", (text, format) => {
    expect(sniffPsFormat(text)).toBe(format);
  });

  it("reads each format into the same objects", () => {
    expect(parsePsObjects('{"A":"1","B":"x"}', "x")).toEqual(parsePsObjects("A : 1\nB : x\n", "x"));
  });
});
