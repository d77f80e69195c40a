import { describe, expect, it } from "vitest";
import { normaliseName } from "./normalise.js";

describe("normaliseName", () => {
  it.each([
    ["Nmap 7.92", "7.92", "Nmap"],
    ["Wireshark 4.0.3 64-bit", "4.0.3", "Wireshark"],
    ["Wireshark 4.0.3 (64-bit)", "4.0.3", "Wireshark"],
    ["7-Zip 22.01 (x64)", "22.01", "7-Zip"],
    ["Python 3.11.4 (64-bit)", "3.11.4.150.0", "Python"],
    ["Mozilla Firefox (x64 en-US)", "116.0.2", "Mozilla Firefox"],
    [
      "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.36.32532",
      "14.36.32532.0",
      "Microsoft Visual C++ 2015-2022 Redistributable",
    ],
    ["Git version 2.41.0", "2.41.0", "Git"],
    ["Zoom 5", "5", "Zoom"],
    ["Notepad++ (64-bit x64)", "8.5.4", "Notepad++"],
    ["Wireshark.app", "4.2.0", "Wireshark"],
    ["hashcat-6.2.6", "6.2.6", "hashcat"],
    ["linux-image-6.1.0-13-amd64", "6.1.0-13", "linux-image"],
    ["Advanced IP Scanner 2.5", "2.5.4594.1", "Advanced IP Scanner"],
    ["Mozilla Thunderbird (2.0.0.23)", "2.0.0.23", "Mozilla Thunderbird"],
    ["K-Lite Codec Pack 7.1.0 (Standard)", "7.1.0", "K-Lite Codec Pack (Standard)"],
    ["Real Alternative 2.0.2 lite", "2.0.2", "Real Alternative lite"],
    ["Java(TM) 6 Update 31", "6.0.310", "Java(TM) 6"],
  ])("%s (version %s) is also known as %s", (name, version, expected) => {
    expect(normaliseName(name, version)).toBe(expected);
  });

  it.each([
    ["nmap", "7.93+dfsg1-1"],
    ["nmap-common", "7.93+dfsg1-1"],
    ["libssl3", "3.0.11-1~deb12u2"],
    ["python3.11", "3.11.2-6"],
    ["gcc-12", "12.2.0-14"],
    ["Adobe Acrobat 2020", "20.005.30524"],
    ["Office 365", ""],
  ])("leaves %s (version %s) as it is", (name, version) => {
    expect(normaliseName(name, version)).toBe(name);
  });

  it("never reduces a name to nothing", () => {
    expect(normaliseName("1.2.3", "1.2.3")).toBe("1.2.3");
    expect(normaliseName("x64", undefined)).toBe("x64");
  });
});
