import { describe, expect, it } from "vitest";
import { ParseError } from "../../../runner/parse-error.js";
import { fixtureText } from "../../../testing/fixtures.js";
import { parseAppxPackages } from "./appx-package.js";

const EDGE = "windows/appx/edge-legacy-systemapps-signaturekind-system.txt";
const RUNTIME = "windows/appx/windows-app-sdk-runtime-store-and-developer-signaturekind.txt";
const MICROSOFT = "CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US";

describe("parseAppxPackages", () => {
  it("reads edge-legacy-systemapps-signaturekind-system.txt: one System-signed, non-removable package", () => {
    expect(parseAppxPackages(fixtureText(EDGE), EDGE)).toEqual([
      {
        name: "Microsoft.MicrosoftEdge",
        publisher: MICROSOFT,
        version: "44.20190.1000.0",
        architecture: "Neutral",
        packageFullName: "Microsoft.MicrosoftEdge_44.20190.1000.0_neutral__8wekyb3d8bbwe",
        packageFamilyName: "Microsoft.MicrosoftEdge_8wekyb3d8bbwe",
        publisherId: "8wekyb3d8bbwe",
        installLocation: "C:\\Windows\\SystemApps\\Microsoft.MicrosoftEdge_8wekyb3d8bbwe",
        isFramework: false,
        isResourcePackage: false,
        isBundle: false,
        nonRemovable: true,
        signatureKind: "System",
      },
    ]);
  });

  it("reads windows-app-sdk-runtime-store-and-developer-signaturekind.txt: 6 Microsoft packages, 4 Store (2 frameworks), 2 Developer", () => {
    const packages = parseAppxPackages(fixtureText(RUNTIME), RUNTIME);
    expect(packages.map((p) => [p.name, p.architecture, p.signatureKind, p.isFramework])).toEqual([
      ["Microsoft.WindowsAppRuntime.1.0", "X64", "Store", true],
      ["Microsoft.WindowsAppRuntime.1.0", "X86", "Store", true],
      ["MicrosoftCorporationII.WindowsAppRuntime.Main.1.0", "X64", "Store", false],
      ["Microsoft.WindowsAppRuntime.Singleton", "X64", "Store", false],
      ["Microsoft.WinAppRuntime.DDLM.0.318.928.0-x6", "X64", "Developer", false],
      ["Microsoft.WinAppRuntime.DDLM.0.318.928.0-x8", "X86", "Developer", false],
    ]);
    expect(
      packages.every(
        (p) => p.publisher === MICROSOFT && p.publisherId === "8wekyb3d8bbwe" && p.version === "0.318.928.0" && !p.nonRemovable,
      ),
    ).toBe(true);
  });

  it("joins an InstallLocation wrapped at its space (C:\\Program / Files\\WindowsApps\\…)", () => {
    const main = parseAppxPackages(fixtureText(RUNTIME), RUNTIME).find(
      (p) => p.name === "MicrosoftCorporationII.WindowsAppRuntime.Main.1.0",
    );
    expect(main?.installLocation).toBe(
      "C:\\Program Files\\WindowsApps\\MicrosoftCorporationII.WindowsAppRuntime.Main.1.0_0.318.928.0_x64__8wekyb3d8bbwe",
    );
  });

  it("reads empty output (no packages) as none", () => {
    expect(parseAppxPackages("\r\n", "x")).toEqual([]);
  });

  it.each([
    ["a package without a Publisher", "Name    : Foo\nVersion : 1.0.0.0\n"],
    ["an unknown SignatureKind", fixtureText(EDGE).replace("SignatureKind     : System", "SignatureKind     : Trusted")],
    ["an error message", "Get-AppxPackage : The term 'Get-AppxPackage' is not recognized as the name of a cmdlet\n"],
  ])("throws a ParseError for %s", (_what, text) => {
    expect(() => parseAppxPackages(text, "x")).toThrow(ParseError);
  });
});
