import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { parseStatOwner } from "./stat.js";

describe("parseStatOwner", () => {
  it.each([
    ["name and uid", "alice 501\n", { user: "alice", uid: 501 }],
    ["the login window (root owns the console)", "root 0\n", { user: "root", uid: 0 }],
    ["a name alone", "admin\n", { user: "admin" }],
  ])("reads %s", (_name, text, expected) => {
    expect(parseStatOwner(text, "stat")).toEqual(expected);
  });

  it.each([
    ["empty output", ""],
    ["an error", "stat: /opt/homebrew/bin/brew: stat: No such file or directory\n"],
    ["two lines", "a 1\nb 2\n"],
  ])("refuses %s", (_name, text) => {
    expect(() => parseStatOwner(text, "stat")).toThrow(ParseError);
  });
});
