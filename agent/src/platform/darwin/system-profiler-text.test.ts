import { describe, expect, it } from "vitest";
import { ParseError } from "../../runner/parse-error.js";
import { parseSystemProfilerText } from "./system-profiler-text.js";

describe("parseSystemProfilerText", () => {
  it("builds the tree from indentation, with or without blank lines between nodes", () => {
    const spaced =
      "Applications:\n\n    Foo: Bar:\n\n      Version: 1.0\n      Location: /Applications/Foo Bar.app\n\n    Baz:\n\n      Version:  b.b3 \n";
    const tight = spaced.replace(/\n\n/g, "\n");
    for (const text of [spaced, tight]) {
      const root = parseSystemProfilerText(text, "x");
      expect(root.children.map((c) => c.title)).toEqual(["Applications"]);
      expect(root.children[0]?.children.map((c) => [c.title, c.props])).toEqual([
        ["Foo: Bar", { Version: "1.0", Location: "/Applications/Foo Bar.app" }],
        ["Baz", { Version: "b.b3" }],
      ]);
    }
  });

  it("takes a trailing line that ends in a colon but has nothing below it as an empty property", () => {
    expect(parseSystemProfilerText("USB:\n    Bus:\n      Driver: X\n      Empty:\n", "x").children[0]?.children[0]?.props).toEqual({
      Driver: "X",
      Empty: "",
    });
  });

  it("adds the column-0 lines right after a property to its value (a Get Info String with line breaks), and reads on", () => {
    const text =
      "Applications:\n\n    ApE:\n\n      Version: 2.0.51\n      Get Info String: 2.0.51 ApE\nCopyright © 2004-2017\nNote: by M. Wayne Davis\n\n    Cyberduck:\n\n      Version: 8.7.1\n";
    const apps = parseSystemProfilerText(text, "x").children[0]?.children;
    expect(apps?.map((c) => [c.title, c.props])).toEqual([
      ["ApE", { Version: "2.0.51", "Get Info String": "2.0.51 ApE\nCopyright © 2004-2017\nNote: by M. Wayne Davis" }],
      ["Cyberduck", { Version: "8.7.1" }],
    ]);
  });

  it("refuses a line that is neither a title nor a property", () => {
    expect(() => parseSystemProfilerText("USB:\n    garbage here\n", "x")).toThrow(ParseError);
  });
});
