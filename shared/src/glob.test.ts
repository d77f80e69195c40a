import { describe, expect, it } from "vitest";
import { globMatch } from "./glob.js";

describe("globMatch", () => {
  it.each([
    ["nmap", "nmap", true],
    ["nmap", "NMAP", true],
    ["nmap", "nmap-common", false],
    ["wireshark*", "wireshark-qt", true],
    ["wireshark*", "Wireshark 4.0.3 64-bit", true],
    ["firefox*", "firefox-esr", true],
    ["com.apple.*", "com.apple.Safari", true],
    ["org.freedesktop.*", "org.freedesktop.Platform/x86_64/23.08", true],
    ["Microsoft*", "Microsoft Corporation", true],
    ["cain & abel*", "Cain & Abel v4.9.56", true],
    ["john", "johnny", false],
    // Found by fuzzing: picomatch throws on an empty pattern.
    ["", "", true],
    ["", "nmap", false],
  ])("%s matches %s: %s", (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });
});
