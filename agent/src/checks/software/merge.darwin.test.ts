import { describe, expect, it } from "vitest";
import type { SoftwareTitle } from "./facts.js";
import { mergeDarwinTitles, type DarwinApp, type DarwinInventory, type HomebrewListing } from "./merge.darwin.js";

const DEV_ID = ["Developer ID Certification Authority", "Apple Root CA"];
const WIRESHARK_SIGNER = "Developer ID Application: Wireshark Foundation (7Z6EMTD2C6)";
const wiresharkApp: DarwinApp = {
  app: {
    name: "Wireshark",
    version: "4.2.4",
    path: "/Applications/Wireshark.app",
    obtainedFrom: "identified_developer",
    signedBy: [WIRESHARK_SIGNER, ...DEV_ID],
  },
  bundleId: "org.wireshark.Wireshark",
};
const wiresharkIdentity = { signer: WIRESHARK_SIGNER, publisher: "Wireshark Foundation", teamId: "7Z6EMTD2C6" };

const merge = (inventory: Partial<DarwinInventory>) => mergeDarwinTitles({ apps: [], receipts: [], homebrew: [], ...inventory });
const only = (titles: SoftwareTitle[]) => {
  expect(titles).toHaveLength(1);
  return titles[0] as SoftwareTitle;
};

describe("mergeDarwinTitles: one application bundle", () => {
  it.each([
    [
      "a top-level Developer ID app with its team",
      wiresharkApp,
      {
        key: "wireshark",
        name: "Wireshark",
        versions: ["4.2.4"],
        sources: ["app"],
        ids: ["org.wireshark.Wireshark"],
        bundleId: "org.wireshark.Wireshark",
        identity: wiresharkIdentity,
        scope: "installed",
      },
    ],
    [
      "a helper nested in another app",
      {
        app: {
          name: "WithSecure™ XFENCE",
          version: "1.0",
          path: "/Applications/F-Secure/F-Secure Mac Protection.app/Contents/Applications/F-Secure XFENCE Configuration.app",
          signedBy: ["Developer ID Application: F-Secure Corporation (6KALSAFZJC)", ...DEV_ID],
        },
      },
      {
        key: "f-secure xfence configuration",
        scope: "component",
        identity: {
          signer: "Developer ID Application: F-Secure Corporation (6KALSAFZJC)",
          publisher: "F-Secure Corporation",
          teamId: "6KALSAFZJC",
        },
      },
    ],
    [
      "a printer filter",
      {
        app: {
          name: "rastertoepfax",
          version: "1.0",
          path: "/Library/Printers/EPSON/Fax/Filter/rastertoepfax.app",
          signedBy: ["Developer ID Application: EPSON (TXAEAV5RN4)", ...DEV_ID],
        },
      },
      { key: "rastertoepfax", scope: "component", identity: { teamId: "TXAEAV5RN4" } },
    ],
    [
      "Adobe's GUID-named uninstaller",
      {
        app: {
          name: "{F0915E53-C75D-4FF2-ADCB-4D4DB79927F6}",
          path: "/Library/Application Support/Adobe/Uninstall/{F0915E53-C75D-4FF2-ADCB-4D4DB79927F6}.app",
          obtainedFrom: "unknown",
          signedBy: [],
        },
      },
      { key: "{f0915e53-c75d-4ff2-adcb-4d4db79927f6}", scope: "component", identity: {} },
    ],
    [
      "an Apple-signed app (keyed by its file name, named as this Mac's language shows it)",
      {
        app: {
          name: "Calculette",
          version: "11.0",
          path: "/System/Applications/Calculator.app",
          obtainedFrom: "apple",
          signedBy: ["Software Signing", "Apple Code Signing Certification Authority", "Apple Root CA"],
        },
      },
      {
        key: "calculator",
        name: "Calculette",
        scope: "component",
        identity: { signer: "Software Signing", publisher: "Apple Inc.", origin: "apple" },
      },
    ],
    [
      "Apple's Safari in /Applications",
      {
        app: {
          name: "Safari",
          version: "17.4.1",
          path: "/Applications/Safari.app",
          obtainedFrom: "apple",
          signedBy: ["Software Signing", "Apple Code Signing Certification Authority", "Apple Root CA"],
        },
        bundleId: "com.apple.Safari",
      },
      {
        key: "safari",
        scope: "installed",
        bundleId: "com.apple.Safari",
        identity: { signer: "Software Signing", publisher: "Apple Inc.", origin: "apple" },
      },
    ],
    [
      "an App Store app (keeps its bundle id: the store binds it to the developer)",
      {
        app: {
          name: "Keynote",
          version: "9.1",
          path: "/Applications/Keynote.app",
          obtainedFrom: "mac_app_store",
          signedBy: ["Apple Mac OS Application Signing", "Apple Worldwide Developer Relations Certification Authority", "Apple Root CA"],
        },
        bundleId: "com.apple.iWork.Keynote",
      },
      {
        key: "keynote",
        scope: "installed",
        bundleId: "com.apple.iWork.Keynote",
        identity: { signer: "Apple Mac OS Application Signing", origin: "mac-app-store" },
      },
    ],
    [
      "an unsigned app (identity empty: unverified)",
      { app: { name: "Inkscape", version: "0.48.5", path: "/Applications/Inkscape.app", obtainedFrom: "unknown", signedBy: [] } },
      { key: "inkscape", scope: "installed", identity: {} },
    ],
  ] satisfies [string, DarwinApp, Partial<SoftwareTitle> & { identity: object }][])("%s", (_name, app, expected) => {
    const title = only(merge({ apps: [app] }));
    expect(title).toMatchObject({ ...expected, identity: expect.objectContaining(expected.identity) });
    if (Object.keys(expected.identity).length === 0) expect(title.identity).toEqual({});
  });

  it("leaves out a sandbox container named like an app", () => {
    expect(
      merge({
        apps: [
          { app: { name: "com.microsoft.openxml", path: "/Users/admin/Library/Containers/com.microsoft.openxml.excel.app", signedBy: [] } },
        ],
      }),
    ).toEqual([]);
  });
});

describe("mergeDarwinTitles: one title from several rows", () => {
  it("keeps two copies of one app as one title with both versions, and the identity both signatures agree on", () => {
    const garageband = (path: string, version: string): DarwinApp => ({
      app: { name: "GarageBand", version, path, obtainedFrom: "mac_app_store", signedBy: ["Apple Mac OS Application Signing"] },
    });
    const title = only(
      merge({
        apps: [
          garageband("/Applications/GarageBand.app", "10.4.11"),
          garageband("/Applications/GarageBand.localized/GarageBand.app", "10.1.0"),
        ],
      }),
    );
    expect(title).toMatchObject({
      key: "garageband",
      versions: ["10.4.11", "10.1.0"],
      identity: { signer: "Apple Mac OS Application Signing", origin: "mac-app-store" },
    });
  });

  it("does not let an unsigned copy in ~/Applications borrow the signature of the real app", () => {
    const copy: DarwinApp = {
      app: { name: "Wireshark", version: "4.2.4", path: "/Users/user1/Applications/Wireshark.app", obtainedFrom: "unknown", signedBy: [] },
    };
    expect(only(merge({ apps: [wiresharkApp, copy] })).identity).toEqual({});
  });

  it("judges a title by its installed copy when a component of the same name is elsewhere", () => {
    const installer = (path: string, signedBy: string[]): DarwinApp => ({
      app: { name: "Adobe AIR Application Installer", version: "1.5.3", path, signedBy },
    });
    const title = only(
      merge({
        apps: [
          installer("/Library/Frameworks/Adobe AIR.framework/Versions/1.0/Adobe AIR Application Installer.app", []),
          installer("/Applications/Utilities/Adobe AIR Application Installer.app", [
            "Developer ID Application: Adobe Inc. (JQ525L2MZD)",
            ...DEV_ID,
          ]),
        ],
      }),
    );
    expect(title).toMatchObject({ scope: "installed", identity: { teamId: "JQ525L2MZD" } });
  });
});

describe("mergeDarwinTitles: Homebrew", () => {
  const listing = (over: Partial<HomebrewListing>): HomebrewListing => ({ formulae: [], casks: [], ...over });

  it("folds a cask into the app it installed: one title, the cask token in its ids, the tap added as origin", () => {
    const cask = { token: "wireshark", displayName: "Wireshark", tap: "homebrew/cask", version: "4.2.4", apps: ["Wireshark.app"] };
    const title = only(merge({ apps: [wiresharkApp], homebrew: [listing({ casks: [cask] })] }));
    expect(title).toEqual({
      key: "wireshark",
      name: "Wireshark",
      versions: ["4.2.4"],
      sources: ["app", "homebrew"],
      ids: ["org.wireshark.Wireshark", "cask:wireshark"],
      bundleId: "org.wireshark.Wireshark",
      identity: { ...wiresharkIdentity, origin: "homebrew/cask" },
      scope: "installed",
    });
  });

  it("folds a cask by the app file it names even when the names differ (iTerm2 installs iTerm.app)", () => {
    const iterm: DarwinApp = {
      app: {
        name: "iTerm",
        version: "3.4.3",
        path: "/Applications/iTerm.app",
        signedBy: ["Developer ID Application: GEORGE NACHMAN (H7V7XYVQ7D)", ...DEV_ID],
      },
    };
    const title = only(
      merge({
        apps: [iterm],
        homebrew: [listing({ casks: [{ token: "iterm2", displayName: "iTerm2", version: "3.4.3", apps: ["iTerm.app"] }] })],
      }),
    );
    expect(title).toMatchObject({ key: "iterm", ids: ["cask:iterm2"], sources: ["app", "homebrew"] });
  });

  it("keeps a cask whose app is not listed as its own title, judged by its tap", () => {
    const title = only(
      merge({
        homebrew: [
          listing({ casks: [{ token: "day-o", displayName: "Day-O", tap: "homebrew/cask", version: "3.0.1", apps: ["Day-O.app"] }] }),
        ],
      }),
    );
    expect(title).toEqual({
      key: "day-o",
      name: "Day-O",
      versions: ["3.0.1"],
      sources: ["homebrew"],
      ids: ["cask:day-o"],
      identity: { origin: "homebrew/cask" },
      scope: "installed",
    });
  });

  it("makes a formula asked for installed and one pulled in a dependency, both by their tap", () => {
    const titles = merge({
      homebrew: [
        listing({
          formulae: [
            { name: "jq", fullName: "jq", tap: "homebrew/core", versions: ["1.6"], onRequest: true },
            { name: "xz", fullName: "xz", tap: "homebrew/core", versions: ["5.2.5"], onRequest: false },
          ],
        }),
      ],
    });
    expect(titles).toEqual([
      {
        key: "jq",
        name: "jq",
        versions: ["1.6"],
        sources: ["homebrew"],
        ids: ["jq"],
        identity: { origin: "homebrew/core" },
        scope: "installed",
      },
      {
        key: "xz",
        name: "xz",
        versions: ["5.2.5"],
        sources: ["homebrew"],
        ids: ["xz"],
        identity: { origin: "homebrew/core" },
        scope: "dependency",
      },
    ]);
  });

  it("marks what only brew list could read as unknown (no tap, no request flag), and still folds its casks into apps", () => {
    const unknown = "Homebrew tap unknown: brew info --json=v2 not available (not recorded)";
    const titles = merge({
      apps: [wiresharkApp],
      homebrew: [
        listing({
          unknown,
          formulae: [{ name: "nmap", fullName: "nmap", versions: ["7.95"] }],
          casks: [{ token: "wireshark", version: "4.2.4", apps: [] }],
        }),
      ],
    });
    expect(titles).toEqual([
      expect.objectContaining({
        key: "wireshark",
        ids: ["org.wireshark.Wireshark", "cask:wireshark"],
        identity: wiresharkIdentity,
        scope: "installed",
      }),
      { key: "nmap", name: "nmap", versions: ["7.95"], sources: ["homebrew"], ids: ["nmap"], identity: {}, scope: "installed", unknown },
    ]);
    expect(titles[0]?.unknown).toBeUndefined();
  });
});

describe("mergeDarwinTitles: installer receipts", () => {
  it("folds a receipt carrying an app's bundle id (or starting with it) into that app, and keeps the rest as components", () => {
    const rdc: DarwinApp = {
      app: { name: "Remote Desktop Connection", version: "2.1.1", path: "/Applications/Remote Desktop Connection.app", signedBy: [] },
      bundleId: "com.microsoft.rdc",
    };
    const titles = merge({
      apps: [rdc, wiresharkApp],
      receipts: [
        { id: "com.microsoft.rdc.all.rdc.pkg.2.1.1", version: "2.1.1" },
        { id: "org.wireshark.Wireshark" },
        { id: "com.symantec.smc", version: "12.1" },
        { id: "com.microsoft.rdcextra" },
      ],
    });
    expect(titles.map((t) => [t.key, t.scope, t.ids, t.sources])).toEqual([
      ["remote desktop connection", "installed", ["com.microsoft.rdc", "com.microsoft.rdc.all.rdc.pkg.2.1.1"], ["app", "pkgutil"]],
      ["wireshark", "installed", ["org.wireshark.Wireshark"], ["app", "pkgutil"]],
      ["com.symantec.smc", "component", ["com.symantec.smc"], ["pkgutil"]],
      ["com.microsoft.rdcextra", "component", ["com.microsoft.rdcextra"], ["pkgutil"]],
    ]);
    expect(titles[2]).toMatchObject({ name: "com.symantec.smc", versions: ["12.1"], identity: {} });
  });
});
