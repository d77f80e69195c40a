// The facts the software check judges: software titles (what a person installed), folded from every inventory on the machine.
import type { SoftwareSource } from "@wegroup/shared";

/**
 * Why a title is (or is not) judged against the allowlist. Deny rules judge every title whatever its scope:
 * a port scanner pulled in as a dependency, or hidden as a Windows SystemComponent, is still prohibited.
 * - `installed`: a person chose it (a manual package, a top-level app, a visible Uninstall entry, a snap);
 * - `dependency`: pulled in by something else (apt auto-installed, dnf not user-installed, a brew dependency);
 * - `component`: part of another title or of the OS (a Windows SystemComponent or update, a helper nested in a bundle).
 */
export type TitleScope = "installed" | "dependency" | "component";

/**
 * Who a title really comes from, as something other than the title itself vouches for it. Self-declared text
 * (a Windows Publisher value, a dpkg Maintainer, an rpm Vendor, an Info.plist copyright) never goes here.
 */
export interface TitleIdentity {
  /** macOS signing team id (`EQHXZ8M8AV`), from the code signature. */
  teamId?: string;
  /**
   * The verified signer: macOS leaf authority (`Developer ID Application: Google LLC (EQHXZ8M8AV)`, `Software Signing`,
   * `Apple Mac OS Application Signing`), Windows Authenticode subject CN of a `Valid` signature, rpm signing key's user id.
   */
  signer?: string;
  /**
   * Where the package came from: apt repository (`deb.debian.org/debian`), `local` when no configured repository
   * offers the installed version, rpm signing key (`key:24c6a8a7f4a80eb5`), snap store publisher account,
   * Flatpak remote (`flathub`), Homebrew tap (`homebrew/core`, `homebrew/cask`), `mac-app-store`.
   */
  origin?: string;
  /** The publisher's name as a verified identity states it (certificate O=, AppX publisher, verified snap publisher). */
  publisher?: string;
}

export interface SoftwareTitle {
  /** Stable across upgrades and reinstalls: lower-case, NFC, never a version or an architecture. The violation's subject. */
  key: string;
  /** How a person names it: "Wireshark", "Nmap", "Google Chrome". */
  name: string;
  /** Every installed version (distinct, as the source prints them). */
  versions: string[];
  /** The inventories it was found in (`dpkg`, `app`, `homebrew`, …), first the one that named it. */
  sources: SoftwareSource[];
  /** Package names, bundle ids, Uninstall key names, snap/Flatpak/winget/AppX ids folded into this title. */
  ids: string[];
  /** macOS bundle id, Flatpak application id, winget or AppX id, when there is one. */
  bundleId?: string;
  /** What the software says about itself (Windows Publisher, dpkg Maintainer, rpm Vendor): shown, never trusted. */
  declaredPublisher?: string;
  identity: TitleIdentity;
  scope: TitleScope;
  /**
   * Set when this title cannot be judged against the allowlist: its identity source could not be read
   * (e.g. "origin unknown: apt-cache policy not available"). Such a title is never approved; deny rules still apply.
   */
  unknown?: string;
}

/** One package as an inventory lists it (a parser's row), before the merge step folds rows into titles. */
export interface InstalledPackage {
  name: string;
  version: string;
  source: SoftwareSource;
  /** Publisher, vendor or maintainer as the package declares it (self-declared). */
  publisher?: string;
  /** macOS bundle identifier, flatpak application id, winget or AppX id. */
  bundleId?: string;
  arch?: string;
}

export interface SoftwareFacts {
  titles: SoftwareTitle[];
  /** The inventories that were read (e.g. ["dpkg", "snap"]). */
  sources: SoftwareSource[];
  /** Inventories or identity sources that exist but could not be read, and why. */
  problems: string[];
}
