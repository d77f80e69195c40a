// `Get-AppxPackage [-AllUsers] | Format-List`: Store, sideloaded and inbox app packages with their signature kind.
import { ParseError } from "../../../runner/parse-error.js";
import { parsePsFormatList } from "../../../platform/win32/ps-format-list.js";
import { psString, type PsObject } from "../../../platform/win32/ps-json.js";

/** How Windows verified the package's signature: part of Windows, the Store, a sideloaded developer or enterprise certificate, or none. */
export type AppxSignatureKind = "System" | "Store" | "Developer" | "Enterprise" | "None";

export interface AppxPackage {
  /** `Microsoft.WindowsAppRuntime.1.0`: the identity name, the same for every version and architecture. */
  name: string;
  /** The signing certificate's subject (`CN=Microsoft Corporation, O=Microsoft Corporation, …`). */
  publisher: string;
  version: string;
  architecture?: string;
  packageFullName?: string;
  /** `Name_PublisherId`: what winget lists as the id of an MSIX app. */
  packageFamilyName?: string;
  publisherId?: string;
  installLocation?: string;
  isFramework: boolean;
  isResourcePackage: boolean;
  isBundle: boolean;
  /** An inbox package that cannot be uninstalled: part of Windows. */
  nonRemovable: boolean;
  /** Absent when this Windows does not print it (before Windows 10). */
  signatureKind?: AppxSignatureKind;
}

const SIGNATURE_KINDS: readonly AppxSignatureKind[] = ["System", "Store", "Developer", "Enterprise", "None"];

/** One record per package, blank-line separated; a long InstallLocation wraps at its spaces (`C:\Program` / `Files\WindowsApps\…`). */
export function parseAppxPackages(text: string, source: string): AppxPackage[] {
  return parsePsFormatList(text, source, { wrapJoin: " " }).map((record, i) => toPackage(record.properties, source, i));
}

function toPackage(item: PsObject, source: string, index: number): AppxPackage {
  const name = psString(item, "Name");
  const publisher = psString(item, "Publisher");
  const version = psString(item, "Version");
  if (name === undefined || publisher === undefined || version === undefined) {
    throw new ParseError(source, `package ${index + 1}: expected Name, Publisher and Version, got ${Object.keys(item).join(", ")}`);
  }
  const pkg: AppxPackage = {
    name,
    publisher,
    version,
    architecture: psString(item, "Architecture"),
    packageFullName: psString(item, "PackageFullName"),
    packageFamilyName: psString(item, "PackageFamilyName"),
    publisherId: psString(item, "PublisherId"),
    installLocation: psString(item, "InstallLocation"),
    isFramework: flag(item, "IsFramework"),
    isResourcePackage: flag(item, "IsResourcePackage"),
    isBundle: flag(item, "IsBundle"),
    nonRemovable: flag(item, "NonRemovable"),
  };
  const kind = psString(item, "SignatureKind");
  if (kind !== undefined) {
    const known = SIGNATURE_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
    if (known === undefined) throw new ParseError(source, `package ${index + 1} (${name}): unknown SignatureKind ${JSON.stringify(kind)}`);
    pkg.signatureKind = known;
  }
  return pkg;
}

function flag(item: PsObject, name: string): boolean {
  return psString(item, name)?.toLowerCase() === "true";
}
