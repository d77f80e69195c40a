// Windows inventory rows (Uninstall entries, their Authenticode signers, AppX packages, winget rows) folded into software titles.
import { foldText } from "@wegroup/shared";
import { dnOrganisation } from "../../platform/win32/distinguished-name.js";
import type { SoftwareTitle, TitleIdentity, TitleScope } from "./facts.js";
import { mainExecutable } from "./main-executable.win32.js";
import { normaliseName } from "./match/normalise.js";
import type { AppxPackage } from "./parse/appx-package.js";
import { samePath, verifiedSigner, type AuthenticodeSignature } from "./parse/authenticode.js";
import { isComponentEntry, type UninstallEntry } from "./parse/reg-uninstall.js";
import type { WingetRow } from "./parse/winget-list.js";

export interface SignatureLookup {
  /** What Get-AuthenticodeSignature printed (files that are gone print nothing). */
  signatures: readonly AuthenticodeSignature[];
  /** Files whose run could not be read, with why (not recorded, PowerShell failed, output not parseable). */
  unreadable: ReadonlyMap<string, string>;
}

export interface Win32Inventory {
  /** Every Uninstall entry of the 64-bit and 32-bit views and the users' hives, machine first. */
  uninstall: readonly UninstallEntry[];
  signatures: SignatureLookup;
  /** Undefined when Get-AppxPackage could not be read. */
  appx?: readonly AppxPackage[];
  /** Undefined when winget did not run (it is per user and absent for SYSTEM). */
  winget?: readonly WingetRow[];
}

const ELLIPSIS = "\u2026";
const SCOPE_RANK: Readonly<Record<TitleScope, number>> = { installed: 0, dependency: 1, component: 2 };

/**
 * One title per program whatever its version, view (64/32-bit) or hive: the key is the DisplayName
 * without version and architecture. Identity is what a `Valid` Authenticode signature of the
 * program's own executable says; the Publisher value it declares is only shown.
 */
export function mergeWin32Titles(inventory: Win32Inventory): SoftwareTitle[] {
  const titles = [
    ...registryTitles(inventory.uninstall, inventory.signatures),
    ...(inventory.appx === undefined ? [] : appxTitles(inventory.appx)),
  ];
  if (inventory.winget !== undefined) titles.push(...wingetTitles(inventory.winget, inventory.uninstall, inventory.appx ?? [], titles));
  return foldByKey(titles);
}

/** The title key of an Uninstall entry: "Wireshark 4.0.3 (x64)" and "Wireshark 4.2.0 (x86)" are both "wireshark". */
export function registryKey(entry: Pick<UninstallEntry, "displayName" | "version">): string {
  return foldText(normaliseName(entry.displayName, entry.version));
}

function registryTitles(entries: readonly UninstallEntry[], lookup: SignatureLookup): SoftwareTitle[] {
  const groups = new Map<string, UninstallEntry[]>();
  for (const entry of entries) {
    const key = registryKey(entry);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups].map(([key, group]) => {
    const visible = group.filter((e) => !isComponentEntry(e));
    const first = visible[0] ?? group[0]!;
    const title: SoftwareTitle = {
      key,
      name: normaliseName(first.displayName, first.version),
      versions: distinct(group.map((e) => e.version)),
      sources: ["registry"],
      ids: distinct(group.map((e) => e.key ?? "")),
      identity: {},
      scope: visible.length > 0 ? "installed" : "component",
    };
    const declared = [...visible, ...group].find((e) => e.publisher !== undefined)?.publisher;
    if (declared !== undefined) title.declaredPublisher = declared;
    const files = distinct(visible.map((e) => mainExecutable(e) ?? ""));
    const verdict = signerOf(files, lookup);
    if ("unknown" in verdict) title.unknown = verdict.unknown;
    else title.identity = verdict.identity;
    return title;
  });
}

/**
 * Every file of the title must carry the same `Valid` signer for the title to have it: one unsigned
 * or differently signed executable leaves the title unverified. A file whose run could not be
 * read makes it unknown (never approved, never "unapproved").
 */
function signerOf(files: readonly string[], lookup: SignatureLookup): { identity: TitleIdentity } | { unknown: string } {
  const unreadable = files.map((f) => lookup.unreadable.get(f)).find((reason) => reason !== undefined);
  if (unreadable !== undefined) return { unknown: `signer unknown: ${unreadable}` };
  const signers = files.map((file) => {
    const signature = lookup.signatures.find((s) => requestedPath(file, s.path));
    return signature === undefined ? undefined : verifiedSigner(signature);
  });
  const [first] = signers;
  if (first === undefined || signers.some((s) => s === undefined || s.signer.toLowerCase() !== first.signer.toLowerCase()))
    return { identity: {} };
  return { identity: { signer: first.signer, publisher: first.publisher } };
}

/** The path PowerShell printed for a requested one: `%ProgramFiles%\…` was expanded before the lookup. */
function requestedPath(requested: string, printed: string): boolean {
  if (!requested.includes("%")) return samePath(requested, printed);
  const pattern = requested
    .replace(/\s+/g, "")
    .split(/%[^%\\]+%/)
    .map((part) => part.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".+");
  return new RegExp(`^${pattern}$`).test(printed.replace(/\s+/g, "").toLowerCase());
}

/**
 * AppX packages: one title per package name (architectures and versions folded). Part of Windows
 * (System-signed, non-removable) and frameworks or resource packages are components. A signed
 * package's Publisher is its certificate subject, checked by Windows at install: a verified publisher.
 */
function appxTitles(packages: readonly AppxPackage[]): SoftwareTitle[] {
  const groups = new Map<string, AppxPackage[]>();
  for (const pkg of packages) {
    const key = foldText(appxBaseName(pkg.name));
    groups.set(key, [...(groups.get(key) ?? []), pkg]);
  }
  return [...groups].map(([key, group]) => {
    const first = group[0] as AppxPackage;
    const title: SoftwareTitle = {
      key,
      name: appxBaseName(first.name),
      versions: distinct(group.map((p) => p.version)),
      sources: ["appx"],
      ids: distinct(group.flatMap((p) => [p.name, p.packageFamilyName ?? ""])),
      identity: agreed(group.map(appxIdentity)),
      scope: group.every(isWindowsPart) ? "component" : "installed",
    };
    if (first.packageFamilyName !== undefined) title.bundleId = first.packageFamilyName;
    return title;
  });
}

function isWindowsPart(pkg: AppxPackage): boolean {
  return pkg.signatureKind === "System" || pkg.nonRemovable || pkg.isFramework || pkg.isResourcePackage;
}

/** `None` is an unsigned, registered-in-place package whose Publisher nobody checked; no kind printed (Windows 8) is not trusted either. */
function appxIdentity(pkg: AppxPackage): TitleIdentity {
  if (pkg.signatureKind === undefined || pkg.signatureKind === "None") return {};
  const publisher = dnOrganisation(pkg.publisher);
  const identity: TitleIdentity = publisher === undefined ? {} : { publisher };
  if (pkg.signatureKind === "Store") identity.origin = "microsoft-store";
  return identity;
}

/**
 * The package name without the version or architecture some families put in it
 * (`Microsoft.WindowsAppRuntime.1.0`, `Microsoft.VCLibs.140.00`, `Microsoft.WinAppRuntime.DDLM.0.318.928.0-x6`).
 */
export function appxBaseName(name: string): string {
  let current = name;
  for (;;) {
    const next = current.replace(/[._-](?:x64|x86|arm64|arm|neutral|x6|x8|a6)$/i, "").replace(/(?:[._-]\d+)+$/, "");
    if (next === current || next === "") return current;
    current = next;
  }
}

/**
 * winget lists the Uninstall entries again (by DisplayName, key or `ARP\…\key`) and the MSIX apps
 * AppX already has (by package family name): those only lend their winget id to the title. A row
 * nothing else lists becomes a title of its own, without identity (winget verifies nothing).
 */
function wingetTitles(
  rows: readonly WingetRow[],
  entries: readonly UninstallEntry[],
  packages: readonly AppxPackage[],
  titles: SoftwareTitle[],
): SoftwareTitle[] {
  const own: SoftwareTitle[] = [];
  for (const row of rows) {
    const arpKey = /^ARP\\.*\\([^\\]+)$/i.exec(row.id)?.[1];
    const entry = entries.find(
      (e) =>
        (arpKey !== undefined && e.key?.toLowerCase() === arpKey.toLowerCase()) ||
        (e.key !== undefined && same(e.key, row.id, row.idTruncated)) ||
        same(e.displayName, row.name, row.nameTruncated),
    );
    if (entry !== undefined) {
      const title = titles.find((t) => t.key === registryKey(entry));
      if (title !== undefined && arpKey === undefined && !row.idTruncated && !title.ids.includes(row.id)) title.ids.push(row.id);
      if (title !== undefined && !title.sources.includes("winget")) title.sources.push("winget");
      continue;
    }
    if (
      packages.some(
        (p) =>
          (p.packageFamilyName !== undefined && same(p.packageFamilyName, row.id, row.idTruncated)) ||
          same(p.name, row.id, row.idTruncated),
      )
    )
      continue;
    const name = row.nameTruncated ? `${row.name}${ELLIPSIS}` : row.name;
    const id = row.idTruncated ? `${row.id}${ELLIPSIS}` : row.id;
    own.push({
      key: foldText(normaliseName(row.name, row.version)),
      name: normaliseName(name, row.version),
      versions: distinct([row.version]),
      sources: ["winget"],
      ids: [id],
      bundleId: id,
      identity: {},
      scope: "installed",
    });
  }
  return own;
}

/** Equal ignoring case; a cell winget cut short ("…") is compared by the part it shows. */
function same(full: string, shown: string, truncated: boolean): boolean {
  const a = full.toLowerCase();
  const b = shown.toLowerCase();
  return truncated ? a.startsWith(b) : a === b;
}

/**
 * Titles of one key from different inventories are one title: the most visible scope wins, and an
 * identity field stays only where every part vouches for the same value (an unverified part
 * must not borrow another part's signer).
 */
function foldByKey(titles: readonly SoftwareTitle[]): SoftwareTitle[] {
  const byKey = new Map<string, SoftwareTitle>();
  for (const title of titles) {
    const seen = byKey.get(title.key);
    if (seen === undefined) {
      byKey.set(title.key, title);
      continue;
    }
    seen.versions = distinct([...seen.versions, ...title.versions]);
    seen.sources = [...new Set([...seen.sources, ...title.sources])];
    seen.ids = distinct([...seen.ids, ...title.ids]);
    seen.identity = agreed([seen.identity, title.identity]);
    if (SCOPE_RANK[title.scope] < SCOPE_RANK[seen.scope]) seen.scope = title.scope;
    seen.bundleId ??= title.bundleId;
    seen.declaredPublisher ??= title.declaredPublisher;
    seen.unknown ??= title.unknown;
    if (seen.bundleId === undefined) delete seen.bundleId;
    if (seen.declaredPublisher === undefined) delete seen.declaredPublisher;
    if (seen.unknown === undefined) delete seen.unknown;
  }
  return [...byKey.values()];
}

function agreed(identities: readonly TitleIdentity[]): TitleIdentity {
  const out: TitleIdentity = {};
  for (const field of ["teamId", "signer", "origin", "publisher"] as const) {
    const values = identities.map((i) => i[field]);
    const [first] = values;
    if (first !== undefined && values.every((v) => v === first)) out[field] = first;
  }
  return out;
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v !== ""))];
}
