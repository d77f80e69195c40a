// Where a macOS application bundle sits (a person's choice, or part of something else) and who its signature says made it.
import type { TitleIdentity, TitleScope } from "./facts.js";
import type { CodeSignature } from "./parse/codesign.js";
import type { SpApplication } from "./parse/system-profiler-apps.js";

/** `data`: not software at all (a sandbox container or cache that Spotlight lists because its name ends in .app). */
export type AppPlacement = Extract<TitleScope, "installed" | "component"> | "data";

/**
 * Sandbox containers and scripting folders hold bundles named like apps (`com.microsoft.openxml.excel.app`)
 * that are data of an installed app, not software someone installed.
 */
const DATA = /\/Library\/(Containers|Group Containers|Application Scripts|HTTPStorages|Caches)\//;
/** Where people put the applications they choose: /Applications and ~/Applications, plain sub-folders included. */
const APPLICATIONS = /^(?:\/Users\/[^/]+)?\/Applications\//;
/** A folder that is itself a bundle: what lies inside is a helper, plug-in or resource of that bundle. */
const INSIDE_BUNDLE =
  /\.(?:app|bundle|framework|plugin|appex|xpc|kext|dext|systemextension|driver|prefPane|qlgenerator|mdimporter|saver|service|task|hptask|component|backend|filter|wdgt)\//i;
/**
 * A GUID-named bundle or folder is made by an installer or a virtual machine, never named by a person: Adobe's
 * `{F0915E53-…}.app` uninstaller, Parallels' `{62224c9e-…} Applications.localized` shims of Windows programs.
 */
const GUID_NAMED = /\/\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}[^/]*(?:\/|$)/;
/** Browsers write a launcher per installed web app into `~/Applications/Chrome Apps.localized/`: part of the browser. */
const WEB_APP_SHIMS = /\/[^/]+ Apps\.localized\//;
/** An uninstaller ships with the software it removes (`uninstall.app`, `Adobe AIR Uninstaller.app`): part of it, not a choice. */
const UNINSTALLER = /(?:^|\/)[^/]*\buninstall(?:er)?\b[^/]*\.app$/i;
/** Only Apple can write below these (System Integrity Protection), so what lives there is Apple's. */
const APPLE_ONLY = /^\/(?:System|Library\/Apple)\//;

export function placementOf(path: string | undefined): AppPlacement {
  // No location printed (some old text reports): judge it like a chosen app rather than hide it.
  if (path === undefined) return "installed";
  if (DATA.test(path)) return "data";
  if (!APPLICATIONS.test(path) || !/\.app$/i.test(path)) return "component";
  const within = path.replace(APPLICATIONS, "/");
  return INSIDE_BUNDLE.test(within) || GUID_NAMED.test(path) || WEB_APP_SHIMS.test(within) || UNINSTALLER.test(within)
    ? "component"
    : "installed";
}

export function isAppleOnlyPath(path: string | undefined): boolean {
  return path !== undefined && APPLE_ONLY.test(path);
}

/**
 * Certificate kinds that name the developer: `Developer ID Application: Google LLC (EQHXZ8M8AV)`. Developer ID
 * certificates issued before team ids existed end without one (`Developer ID Application: VideoLAN`).
 */
const DEVELOPER_CERTIFICATE =
  /^(?:Developer ID Application|Apple Distribution|3rd Party Mac Developer Application|Apple Development|Mac Developer): (.+?)(?: \(([A-Z0-9]{10})\))?$/;
const APPLE_PLATFORM = "Software Signing";
const APP_STORE = "Apple Mac OS Application Signing";

/** A Developer ID leaf certificate without a team id: only `codesign -dv` can tell the team. */
export function needsCodesignTeam(app: SpApplication): boolean {
  const match = DEVELOPER_CERTIFICATE.exec(app.signedBy[0] ?? "");
  return match !== null && match[2] === undefined;
}

/**
 * Identity from the code signature as system_profiler reports it (the leaf authority first), completed by
 * `codesign -dv` for old certificates. Nothing self-declared (Get Info String, copyright) counts.
 */
export function identityOf(app: SpApplication, codesign?: CodeSignature): TitleIdentity {
  // codesign looked at the bundle itself and found no signature: whatever the listing said cannot be verified.
  if (codesign?.signed === false) return {};
  const identity: TitleIdentity = {};
  const leaf = app.signedBy[0];
  if (leaf === APPLE_PLATFORM) {
    Object.assign(identity, { signer: leaf, publisher: "Apple Inc.", origin: "apple" });
  } else if (leaf === APP_STORE) {
    // The App Store re-signs every app it sells; the developer is bound to the bundle id, which the title keeps.
    Object.assign(identity, { signer: leaf, origin: "mac-app-store" });
  } else if (leaf !== undefined) {
    identity.signer = leaf;
    const developer = DEVELOPER_CERTIFICATE.exec(leaf);
    if (developer !== null) {
      identity.publisher = developer[1];
      const team = developer[2] ?? codesign?.teamId;
      if (team !== undefined) identity.teamId = team;
    }
  } else if (app.obtainedFrom === "apple" || (app.obtainedFrom === undefined && isAppleOnlyPath(app.path))) {
    // Reports older than signed_by: Apple's own by what system_profiler says of its origin, or by where it lives.
    Object.assign(identity, { publisher: "Apple Inc.", origin: "apple" });
  }
  return identity;
}
