import { describe, expect, it } from "vitest";
import { identityOf, needsCodesignTeam, placementOf } from "./apps.darwin.js";
import type { SpApplication } from "./parse/system-profiler-apps.js";

const CHAIN = ["Developer ID Certification Authority", "Apple Root CA"];
const app = (over: Partial<SpApplication>): SpApplication => ({ name: "x", signedBy: [], ...over });

describe("placementOf", () => {
  it.each([
    ["a top-level app", "/Applications/Wireshark.app", "installed"],
    ["an app in a plain sub-folder", "/Applications/Utilities/XQuartz.app", "installed"],
    ["an app in a vendor folder", "/Applications/Adobe/Adobe Help.app", "installed"],
    ["a localized folder", "/Applications/GarageBand.localized/GarageBand.app", "installed"],
    ["a per-user app", "/Users/user1/Applications/Tool.app", "installed"],
    [
      "a helper nested in another app",
      "/Applications/F-Secure/F-Secure Mac Protection.app/Contents/Applications/F-Secure XFENCE Configuration.app",
      "component",
    ],
    ["an app inside a framework", "/Library/Frameworks/Adobe AIR.framework/Versions/1.0/Adobe AIR Application Installer.app", "component"],
    [
      "a helper inside a plug-in bundle",
      "/Library/Printers/hp/Utilities/HPPU Plugins/FaxArchive.task/Contents/Helpers/HP Fax Archive.app",
      "component",
    ],
    ["a printer filter", "/Library/Printers/EPSON/Fax/Filter/rastertoepfax.app", "component"],
    ["a printer backend", "/Library/Printers/hp/Fax/fax.backend", "component"],
    ["a per-user printer app", "/Users/user1/Library/Printers/Deskjet 2540 series [CE35D9].app", "component"],
    ["a scanner driver", "/Library/Image Capture/Devices/EPSON Scanner.app", "component"],
    ["an updater under Application Support", "/Library/Application Support/Microsoft/MAU2.0/Microsoft AutoUpdate.app", "component"],
    [
      "Adobe's GUID-named uninstaller",
      "/Library/Application Support/Adobe/Uninstall/{F0915E53-C75D-4FF2-ADCB-4D4DB79927F6}.app",
      "component",
    ],
    [
      "Parallels' shims of Windows programs",
      "/Users/user1/Applications/{62224c9e-25f7-4c47-bbb7-70acf05cd357} Applications.localized/Microsoft Windows Media Configuration Utility.app",
      "component",
    ],
    [
      "a browser's web-app launcher",
      "/Users/user1/Applications/Chrome Apps.localized/Default coobgpohoikkiipiblmjeljniedjpjpf.app",
      "component",
    ],
    ["a vendor's uninstaller", "/Applications/F-Secure/uninstall.app", "component"],
    ["an uninstaller in Utilities", "/Applications/Utilities/Adobe AIR Uninstaller.app", "component"],
    ["an uninstaller in its own folder", "/Applications/Cisco/Uninstall AnyConnect.app", "component"],
    ["an app whose folder only mentions uninstalling", "/Applications/Uninstall Tools/Tool.app", "installed"],
    ["an Apple system app", "/System/Applications/Calculator.app", "component"],
    ["Apple's malware remover", "/Library/Apple/System/Library/CoreServices/XProtect.app", "component"],
    ["a legacy app without .app in an app folder", "/Applications/Microsoft Office 2008/Office/Microsoft Query", "component"],
    ["an app saved in a home folder", "/Users/admin/Untitled.app", "component"],
    ["a sandbox container", "/Users/admin/Library/Containers/com.microsoft.openxml.excel.app", "data"],
    ["an updater in a cache", "/Users/user1/Library/Caches/Mozilla/updates/Applications/Firefox/updates/0/updater.app", "data"],
    ["no location at all", undefined, "installed"],
  ])("%s is %s", (_name, path, expected) => {
    expect(placementOf(path)).toBe(expected);
  });
});

describe("identityOf", () => {
  it.each([
    [
      "a Developer ID with its team",
      app({ signedBy: ["Developer ID Application: Wireshark Foundation (7Z6EMTD2C6)", ...CHAIN] }),
      undefined,
      { signer: "Developer ID Application: Wireshark Foundation (7Z6EMTD2C6)", publisher: "Wireshark Foundation", teamId: "7Z6EMTD2C6" },
    ],
    [
      "Apple platform software",
      app({ signedBy: ["Software Signing", "Apple Code Signing Certification Authority", "Apple Root CA"], obtainedFrom: "apple" }),
      undefined,
      { signer: "Software Signing", publisher: "Apple Inc.", origin: "apple" },
    ],
    [
      "an App Store app (the developer is bound to the bundle id, not named)",
      app({ signedBy: ["Apple Mac OS Application Signing"], obtainedFrom: "mac_app_store" }),
      undefined,
      { signer: "Apple Mac OS Application Signing", origin: "mac-app-store" },
    ],
    [
      "an old Developer ID, no codesign answer",
      app({ signedBy: ["Developer ID Application: VideoLAN", ...CHAIN] }),
      undefined,
      { signer: "Developer ID Application: VideoLAN", publisher: "VideoLAN" },
    ],
    [
      "an old Developer ID, team from codesign",
      app({ signedBy: ["Developer ID Application: VideoLAN", ...CHAIN] }),
      { signed: true, teamId: "75AAJDH9W6", authorities: [] },
      { signer: "Developer ID Application: VideoLAN", publisher: "VideoLAN", teamId: "75AAJDH9W6" },
    ],
    [
      "a listing signer codesign finds unsigned",
      app({ signedBy: ["Developer ID Application: VideoLAN", ...CHAIN] }),
      { signed: false, authorities: [] },
      {},
    ],
    ["an unsigned app", app({ path: "/Applications/Tool.app", obtainedFrom: "unknown" }), undefined, {}],
    [
      "an unsigned app that says Apple in its name",
      app({ name: "Apple Tool", path: "/Applications/Apple Tool.app", obtainedFrom: "unknown" }),
      undefined,
      {},
    ],
    [
      "an old report's app under /System",
      app({ path: "/System/Library/CoreServices/Finder.app" }),
      undefined,
      { publisher: "Apple Inc.", origin: "apple" },
    ],
    ["an old report's app in /Applications", app({ path: "/Applications/Safari.app" }), undefined, {}],
  ])("%s", (_name, listed, codesign, expected) => {
    expect(identityOf(listed, codesign)).toEqual(expected);
  });
});

describe("needsCodesignTeam", () => {
  it.each([
    ["Developer ID Application: VideoLAN", true],
    ["Developer ID Application: RStudio Inc.", true],
    ["Developer ID Application: Google LLC (EQHXZ8M8AV)", false],
    ["Software Signing", false],
    ["Apple Mac OS Application Signing", false],
  ])("%s → %s", (leaf, expected) => {
    expect(needsCodesignTeam(app({ signedBy: [leaf, ...CHAIN] }))).toBe(expected);
  });
});
