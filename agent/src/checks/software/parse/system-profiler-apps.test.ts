import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseXmlPlist } from "../../../platform/darwin/plist.js";
import { parseSystemProfilerApps, splitSigningChain, type SpApplication } from "./system-profiler-apps.js";

const DIR = "macos/system_profiler-apps";
const read = (file: string) => parseSystemProfilerApps(fixtureText(`${DIR}/${file}`), file);
const byName = (apps: SpApplication[], name: string) => apps.filter((a) => a.name === name);
const count = (apps: SpApplication[], pick: (a: SpApplication) => unknown) => {
  const counts: Record<string, number> = {};
  for (const a of apps) counts[String(pick(a))] = (counts[String(pick(a))] ?? 0) + 1;
  return counts;
};

describe("parseSystemProfilerApps", () => {
  it("macos-2024-apple-silicon-xml-367-apps.xml: 367 apps, origins apple 262 / identified_developer 57 / unknown 42 / mac_app_store 6, 6 without version", () => {
    const apps = read("macos-2024-apple-silicon-xml-367-apps.xml");
    expect(apps).toHaveLength(367);
    expect(count(apps, (a) => a.obtainedFrom)).toEqual({ apple: 262, identified_developer: 57, unknown: 42, mac_app_store: 6 });
    expect(
      apps
        .filter((a) => a.version === undefined)
        .map((a) => a.name)
        .sort(),
    ).toEqual([
      "com.apple.ctcategories",
      "com.microsoft.openxml",
      "com.microsoft.openxml",
      "com.microsoft.openxml",
      "group.is.workflow",
      "group.is.workflow",
    ]);
    expect(byName(apps, "Safari")).toEqual([
      {
        name: "Safari",
        version: "17.4.1",
        path: "/Applications/Safari.app",
        obtainedFrom: "apple",
        arch: "arch_arm_i64",
        signedBy: ["Software Signing", "Apple Code Signing Certification Authority", "Apple Root CA"],
      },
    ]);
    expect(byName(apps, "Google Chrome")[0]).toMatchObject({
      version: "111.0.5563.110",
      signedBy: ["Developer ID Application: Google LLC (EQHXZ8M8AV)", "Developer ID Certification Authority", "Apple Root CA"],
    });
    expect(byName(apps, "Firefox")[0]?.version).toBe("124.0.2");
    expect(byName(apps, "Microsoft Word")[0]).toMatchObject({
      version: "16.79.2",
      signedBy: ["Developer ID Application: Microsoft Corporation (UBF8T346G9)", "Developer ID Certification Authority", "Apple Root CA"],
    });
    expect(apps.filter((a) => /wireshark/i.test(a.name))).toEqual([]);
    expect(apps.filter((a) => a.signedBy.length === 0)).toHaveLength(367 - 325);
  });

  it("macos-2024-apple-silicon-xml-368-apps-wireshark.derived.xml (derived: one Wireshark.app added): 368 apps with Wireshark 4.2.4", () => {
    const apps = read("macos-2024-apple-silicon-xml-368-apps-wireshark.derived.xml");
    expect(apps).toHaveLength(368);
    expect(byName(apps, "Wireshark")).toEqual([
      {
        name: "Wireshark",
        version: "4.2.4",
        path: "/Applications/Wireshark.app",
        obtainedFrom: "identified_developer",
        arch: "arch_arm",
        signedBy: ["Developer ID Application: Wireshark Foundation (7Z6EMTD2C6)", "Developer ID Certification Authority", "Apple Root CA"],
      },
    ]);
  });

  it("osx-xml-291-apps-safari-5.1.10.xml: 291 apps in the older keys (runtime_environment, no obtained_from or signed_by), 12 without version", () => {
    const apps = read("osx-xml-291-apps-safari-5.1.10.xml");
    expect(apps).toHaveLength(291);
    expect(apps.filter((a) => a.version === undefined)).toHaveLength(12);
    expect(apps.every((a) => a.obtainedFrom === undefined && a.signedBy.length === 0)).toBe(true);
    expect(byName(apps, "Safari")).toEqual([
      { name: "Safari", version: "5.1.10", path: "/Applications/Safari.app", arch: "arch_x86", signedBy: [] },
    ]);
    expect(apps.filter((a) => a.path?.startsWith("/Users/user1/Applications/Chrome Apps.localized/")).length).toBeGreaterThan(0);
  });

  it("osx-10.6-text-491-apps-wireshark-1.2.0.txt (text form): 491 apps, Wireshark 1.2.0 in /Applications, per-user installs and odd names kept", () => {
    const apps = read("osx-10.6-text-491-apps-wireshark-1.2.0.txt");
    expect(apps).toHaveLength(491);
    expect(byName(apps, "Wireshark")).toEqual([
      { name: "Wireshark", version: "1.2.0", path: "/Applications/Wireshark.app", arch: "Intel", signedBy: [] },
    ]);
    expect(byName(apps, "Microsoft Windows Media Configuration Utility")[0]?.path).toBe(
      "/Users/user1/Applications/{62224c9e-25f7-4c47-bbb7-70acf05cd357} Applications.localized/Microsoft Windows Media Configuration Utility.app",
    );
    expect(byName(apps, "Exposé")[0]).toMatchObject({ version: "1.1", path: "/Applications/Utilities/Expose.app" });
    expect(apps.filter((a) => a.version === undefined)).toHaveLength(491 - 476);
  });

  it("macos-2024-apple-silicon-text-367-apps-obtained-from-signed-by.txt (text form): 367 apps, origins as the XML of the same Mac, 325 signing chains split leaf first", () => {
    const apps = read("macos-2024-apple-silicon-text-367-apps-obtained-from-signed-by.txt");
    expect(apps).toHaveLength(367);
    // "App Store" in the text is `mac_app_store` in the XML: one vocabulary whatever the form.
    expect(count(apps, (a) => a.obtainedFrom)).toEqual({ apple: 262, identified_developer: 57, unknown: 42, mac_app_store: 6 });
    const signed = apps.filter((a) => a.signedBy.length > 0);
    expect(signed).toHaveLength(325);
    expect(signed.every((a) => a.signedBy.length === 3 && a.signedBy[2] === "Apple Root CA")).toBe(true);
    expect(byName(apps, "Microsoft OneNote")[0]).toMatchObject({
      version: "16.84",
      path: "/Applications/Microsoft OneNote.app",
      obtainedFrom: "identified_developer",
      signedBy: ["Developer ID Application: Microsoft Corporation (UBF8T346G9)", "Developer ID Certification Authority", "Apple Root CA"],
    });
    const leaves = count(signed, (a) => a.signedBy[0]);
    expect(leaves["Software Signing"]).toBe(262);
    expect(leaves["Apple Mac OS Application Signing"]).toBe(6);
    expect(leaves["Developer ID Application: HP Inc. (6HB5Y2QTA3)"]).toBe(14);
    for (const team of ["UBF8T346G9", "TXAEAV5RN4", "6KALSAFZJC", "JQ525L2MZD", "EQHXZ8M8AV", "AL798K98FX"]) {
      expect(
        signed.some((a) => a.signedBy[0]?.endsWith(`(${team})`)),
        team,
      ).toBe(true);
    }
    // Old Developer ID certificates name no team.
    expect(byName(apps, "VLC")[0]?.signedBy[0]).toBe("Developer ID Application: VideoLAN");
    expect(byName(apps, "XMind")[0]?.signedBy[0]).toBe("Developer ID Application: XMind Ltd.");
    // A Get Info String that runs over several lines does not end the tree: the apps after it are read.
    expect(byName(apps, "ApE")[0]).toMatchObject({
      version: "2.0.51",
      path: "/Applications/ApE.app",
      obtainedFrom: "unknown",
      signedBy: [],
    });
    expect(byName(apps, "Cyberduck")[0]?.version).toBe("8.7.1");
  });

  it("reads the text and the XML report of the same Mac to the same apps, origins and signers (versions moved on between the two)", () => {
    const facts = (apps: SpApplication[]) => apps.map((a) => [a.path, a.name, a.obtainedFrom, a.signedBy.join(" | ")].join(" ; ")).sort();
    expect(facts(read("macos-2024-apple-silicon-text-367-apps-obtained-from-signed-by.txt"))).toEqual(
      facts(read("macos-2024-apple-silicon-xml-367-apps.xml")),
    );
  });

  it.each([
    [
      "a Developer ID chain",
      "Developer ID Application: Google LLC (EQHXZ8M8AV), Developer ID Certification Authority, Apple Root CA",
      ["Developer ID Application: Google LLC (EQHXZ8M8AV)", "Developer ID Certification Authority", "Apple Root CA"],
    ],
    [
      "a signer whose name holds a comma",
      "Developer ID Application: Zoom Video Communications, Inc. (BJ4HAAB9B3), Developer ID Certification Authority, Apple Root CA",
      ["Developer ID Application: Zoom Video Communications, Inc. (BJ4HAAB9B3)", "Developer ID Certification Authority", "Apple Root CA"],
    ],
    [
      "Apple's platform chain",
      "Software Signing, Apple Code Signing Certification Authority, Apple Root CA",
      ["Software Signing", "Apple Code Signing Certification Authority", "Apple Root CA"],
    ],
    [
      "the App Store chain",
      "Apple Mac OS Application Signing, Apple Worldwide Developer Relations Certification Authority, Apple Root CA",
      ["Apple Mac OS Application Signing", "Apple Worldwide Developer Relations Certification Authority", "Apple Root CA"],
    ],
    ["a leaf alone", "Developer ID Application: VideoLAN", ["Developer ID Application: VideoLAN"]],
    ["nothing", "", []],
  ])("splits the text form's signing chain: %s", (_name, joined, chain) => {
    expect(splitSigningChain(joined)).toEqual(chain);
  });

  it("reads the -json form the same as the -xml form of the same report", () => {
    const xml = fixtureText(`${DIR}/macos-2024-apple-silicon-xml-367-apps.xml`);
    const report = (parseXmlPlist(xml, "xml") as Record<string, unknown>[])[0] as Record<string, unknown>;
    const json = JSON.stringify({ SPApplicationsDataType: report._items });
    expect(parseSystemProfilerApps(json, "json")).toEqual(parseSystemProfilerApps(xml, "xml"));
  });

  it.each([
    ["empty output", ""],
    ["truncated XML", fixtureText(`${DIR}/osx-xml-291-apps-safari-5.1.10.xml`).slice(0, 5000)],
    ["JSON of another data type", '{ "SPUSBDataType": [] }'],
    ["text that is not an Applications tree", "USB:\n\n    USB 3.1 Bus:\n\n      Host Controller Driver: AppleT8112USBXHCI\n"],
  ])("refuses %s with a ParseError", (_name, text) => {
    expect(() => parseSystemProfilerApps(text, "system_profiler")).toThrow(ParseError);
  });

  it("never throws anything but a ParseError on a cut real output", () => {
    const text = fixtureText(`${DIR}/osx-10.6-text-491-apps-wireshark-1.2.0.txt`).slice(0, 20_000);
    fc.assert(
      fc.property(fc.nat(text.length), (cut) => {
        try {
          parseSystemProfilerApps(text.slice(0, cut), "x");
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
    );
  });
});
