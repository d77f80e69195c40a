// The facts the software check needs: the installed-software inventory from every source on the machine.
import type { SoftwareSource } from "@wegroup/shared";

export interface InstalledPackage {
  name: string;
  version: string;
  source: SoftwareSource;
  /** Publisher, vendor or maintainer, when the source has one. */
  publisher?: string;
  /** macOS bundle identifier, flatpak application id, winget or AppX id. */
  bundleId?: string;
  arch?: string;
}

export interface SoftwareFacts {
  packages: InstalledPackage[];
  /** The inventories that were read (e.g. ["dpkg", "snap"]). */
  sources: SoftwareSource[];
  /** Inventories that exist but could not be read, and why. */
  problems: string[];
}
