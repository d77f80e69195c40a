import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { expectRowsOrParseError } from "../../../testing/fuzz.js";
import { parseBrewInfoJson } from "./brew-info.js";

const FIXTURE = "macos/brew/salt-test-brew-info-json-v2-installed-jq-xz-day-o-iterm2.json";

describe("parseBrewInfoJson", () => {
  it("salt-test-brew-info-json-v2-installed-jq-xz-day-o-iterm2.json: jq asked for, xz a dependency, casks day-o and iterm2 with the apps they install", () => {
    const info = parseBrewInfoJson(fixtureText(FIXTURE), "brew info --json=v2 --installed");
    expect(info.formulae).toEqual([
      // No `tap` key in this brew's output: a bare full_name is a homebrew/core formula.
      { name: "jq", fullName: "jq", tap: "homebrew/core", versions: ["1.6"], onRequest: true },
      { name: "xz", fullName: "xz", tap: "homebrew/core", versions: ["5.2.5"], onRequest: false },
    ]);
    // Casks have no request flag, and without `tap`/`full_token` this brew does not say which tap they came from.
    expect(info.casks).toEqual([
      { token: "day-o", displayName: "Day-O", version: "3.0.1", apps: ["Day-O.app"] },
      { token: "iterm2", displayName: "iTerm2", version: "3.4.3", apps: ["iTerm.app"] },
    ]);
  });

  it.each([
    [
      "a tap key",
      { name: "nmap", full_name: "nmap", tap: "homebrew/core", installed: [{ version: "7.95", installed_on_request: true }] },
      { tap: "homebrew/core", onRequest: true },
    ],
    [
      "a third-party tap in the full name",
      { name: "tool", full_name: "acme/tools/tool", installed: [{ version: "1.0", installed_on_request: false }] },
      { tap: "acme/tools", onRequest: false },
    ],
    [
      "two kegs, one asked for",
      {
        name: "python@3.12",
        full_name: "python@3.12",
        tap: "homebrew/core",
        installed: [
          { version: "3.12.1", installed_on_request: false },
          { version: "3.12.2", installed_on_request: true },
        ],
      },
      { versions: ["3.12.1", "3.12.2"], onRequest: true },
    ],
  ])("reads a formula with %s", (_name, formula, expected) => {
    expect(parseBrewInfoJson(JSON.stringify({ formulae: [formula], casks: [] }), "brew")).toMatchObject({ formulae: [expected] });
  });

  it.each([
    [
      "newer brew's keyed stanzas",
      {
        token: "wireshark",
        tap: "homebrew/cask",
        name: ["Wireshark"],
        installed: "4.2.4",
        artifacts: [{ uninstall: [{ pkgutil: "org.wireshark.ChmodBPF.pkg" }] }, { app: ["Wireshark.app"] }, { binary: ["tshark"] }],
      },
      { tap: "homebrew/cask", apps: ["Wireshark.app"] },
    ],
    [
      "an app renamed where it lands",
      { token: "foo", full_token: "acme/casks/foo", artifacts: [{ app: ["Foo Installer.app", { target: "Foo.app" }] }] },
      { tap: "acme/casks", apps: ["Foo.app"] },
    ],
    ["no app at all (a font)", { token: "font-fira-code", artifacts: [{ font: ["FiraCode-Regular.ttf"] }] }, { apps: [] }],
  ])("reads a cask with %s", (_name, cask, expected) => {
    expect(parseBrewInfoJson(JSON.stringify({ formulae: [], casks: [cask] }), "brew")).toMatchObject({ casks: [expected] });
  });

  it.each([
    ["text that is not JSON", "Error: Unknown command: info\n"],
    ["the v1 form (a bare array)", "[]"],
    ["a formula without an installed array", '{"formulae":[{"name":"jq"}],"casks":[]}'],
    ["a cask without a token", '{"formulae":[],"casks":[{"name":["X"]}]}'],
  ])("refuses %s with a ParseError", (_name, text) => {
    expect(() => parseBrewInfoJson(text, "brew info")).toThrow(ParseError);
  });

  it("answers rows or a ParseError on mangled real output", () => {
    expectRowsOrParseError((text) => parseBrewInfoJson(text, "brew").formulae, [fixtureText(FIXTURE)]);
  });
});
