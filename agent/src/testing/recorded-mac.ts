// Test support: what the recorded 2024 Apple-silicon Mac has installed
// (fixtures/macos/system_profiler-apps/macos-2024-apple-silicon-xml-367-apps.xml; the demo Mac's apps are these and Wireshark).
import type { SoftwareTitle } from "../checks/software/facts.js";

/** Its installed apps that are not Apple's (neither platform-signed nor from the App Store), sorted: the ones IT decides on. */
export const MAC_2024_APPS_FOR_IT: readonly string[] = [
  "adobe acrobat reader",
  "adobe air application installer",
  "adobe elements 9 organizer",
  "adobe help",
  "adobe photoshop elements",
  "ape",
  "cyberduck",
  "dna strider",
  "enzymex",
  "extendscript toolkit",
  "f-secure mac protection",
  "fiji",
  "filezilla",
  "firefox",
  "gimp",
  "google chrome",
  "image lab",
  "imagej",
  "inkscape",
  "kyocera print panel",
  "mendeley reference manager",
  "microsoft excel",
  "microsoft lync",
  "microsoft messenger",
  "microsoft onenote",
  "microsoft outlook",
  "microsoft powerpoint",
  "microsoft teams classic",
  "microsoft word",
  "onedrive",
  "onyx",
  "photoshopdotcominspirationbrowser",
  "r",
  "remote desktop connection",
  "rstudio",
  "skype for business",
  "snapndrag",
  "support tool",
  "vlc",
  "xmind",
  "xquartz",
];

/** The Wireshark that macos-2024-apple-silicon-xml-368-apps-wireshark.derived.xml (the demo Mac's apps) adds, as a title. */
export const WIRESHARK_TITLE: SoftwareTitle = {
  key: "wireshark",
  name: "Wireshark",
  versions: ["4.2.4"],
  sources: ["app"],
  ids: [],
  identity: {
    signer: "Developer ID Application: Wireshark Foundation (7Z6EMTD2C6)",
    publisher: "Wireshark Foundation",
    teamId: "7Z6EMTD2C6",
  },
  scope: "installed",
};
