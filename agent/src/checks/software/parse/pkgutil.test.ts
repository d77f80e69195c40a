import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parsePkgutilPkgInfo, parsePkgutilPkgs } from "./pkgutil.js";

describe("parsePkgutilPkgs", () => {
  it("osx10.9-pkgs-partial-office2011-symantec.txt: 36 receipt ids, mixed case kept, Office 2011 and Symantec receipts", () => {
    const ids = parsePkgutilPkgs(fixtureText("macos/pkgutil/osx10.9-pkgs-partial-office2011-symantec.txt"), "pkgutil --pkgs");
    expect(ids).toHaveLength(36);
    expect(ids).toContain("com.Symantec.LiveUpdate.install");
    expect(ids).toContain("com.Ricoh.print.Ricoh_PS_Printers_Vol2_EXP_LEO.pkg");
    expect(ids).toContain("com.microsoft.office.en.word_wizards.pkg.14.4.2.update");
    expect(ids.filter((id) => id.toLowerCase().startsWith("com.symantec.")).length).toBeGreaterThan(20);
  });

  it("refuses a line that cannot be a receipt id", () => {
    expect(() => parsePkgutilPkgs("com.apple.pkg.X\n<html>\n", "pkgutil --pkgs")).toThrow(ParseError);
  });
});

describe("parsePkgutilPkgInfo", () => {
  it("osx10.10-pkg-info-no-receipt-stderr.txt: a missing receipt is no receipt, not an error", () => {
    expect(
      parsePkgutilPkgInfo("", fixtureText("macos/pkgutil/osx10.10-pkg-info-no-receipt-stderr.txt"), "pkgutil --pkg-info"),
    ).toBeUndefined();
  });

  it("reads a receipt's id, version, volume, location and install time", () => {
    const text =
      "package-id: com.microsoft.package.Microsoft_Word.app\nversion: 16.79.23111019\nvolume: /\nlocation: Applications\ninstall-time: 1700000000\n";
    expect(parsePkgutilPkgInfo(text, "", "pkgutil --pkg-info")).toEqual({
      id: "com.microsoft.package.Microsoft_Word.app",
      version: "16.79.23111019",
      volume: "/",
      location: "Applications",
      installTime: 1700000000,
    });
  });

  it("refuses output without a package-id", () => {
    expect(() => parsePkgutilPkgInfo("garbage\n", "", "pkgutil --pkg-info")).toThrow(ParseError);
  });
});
