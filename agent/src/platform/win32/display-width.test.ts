import { describe, expect, it } from "vitest";
import { cutAtColumns, tokenColumns } from "./display-width.js";

describe("display columns", () => {
  it("counts CJK characters as two cells and the ellipsis as one", () => {
    expect(tokenColumns("名前  ID").map((t) => t.column)).toEqual([0, 6]);
    expect(cutAtColumns("名前  ID…  1.0", [0, 6, 11])).toEqual(["名前  ", "ID…  ", "1.0"]);
  });
});
