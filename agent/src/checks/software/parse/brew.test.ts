import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseBrewListVersions } from "./brew.js";

describe("parseBrewListVersions", () => {
  it("macos-2022-list-versions-partial.txt: 86 formulae, @ in names, revisions and dashes in versions, no deny-listed tool", () => {
    const packages = parseBrewListVersions(fixtureText("macos/brew/macos-2022-list-versions-partial.txt"), "brew list --versions");
    expect(packages).toHaveLength(86);
    expect(packages).toContainEqual({ name: "ffmpeg@4", versions: ["4.4.1"] });
    expect(packages).toContainEqual({ name: "ffmpeg", versions: ["5.0-with-options_1"] });
    expect(packages).toContainEqual({ name: "aom", versions: ["3.2.0_2"] });
    expect(packages).toContainEqual({ name: "imagemagick", versions: ["7.1.0-26"] });
    expect(packages[packages.length - 1]).toEqual({ name: "libidn", versions: ["1.38"] });
    expect(packages.filter((p) => ["nmap", "wireshark", "john", "hashcat", "tcpdump"].includes(p.name))).toEqual([]);
  });

  it("keeps every version of a formula installed twice, and cask tokens", () => {
    expect(parseBrewListVersions("python@3.12 3.12.1 3.12.2\nwireshark 4.2.4\n", "brew list --cask --versions")).toEqual([
      { name: "python@3.12", versions: ["3.12.1", "3.12.2"] },
      { name: "wireshark", versions: ["4.2.4"] },
    ]);
  });

  it.each([
    ["a name without a version", "wget\n"],
    ["an error sentence", "Error: Running Homebrew as root is extremely dangerous and no longer supported.\n"],
  ])("refuses %s with a ParseError", (_name, text) => {
    expect(() => parseBrewListVersions(text, "brew")).toThrow(ParseError);
  });
});
