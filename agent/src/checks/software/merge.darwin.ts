// Folds what a Mac lists — application bundles, Homebrew formulae and casks, installer receipts — into software titles.
import { foldText, type SoftwareSource } from "@wegroup/shared";
import { identityOf, placementOf } from "./apps.darwin.js";
import type { SoftwareTitle, TitleIdentity, TitleScope } from "./facts.js";
import { normaliseName } from "./match/normalise.js";
import type { BrewCask, BrewFormula } from "./parse/brew-info.js";
import type { CodeSignature } from "./parse/codesign.js";
import type { PkgReceipt } from "./parse/pkgutil.js";
import type { SpApplication } from "./parse/system-profiler-apps.js";

export interface DarwinApp {
  app: SpApplication;
  /** CFBundleIdentifier from the bundle's Info.plist (or codesign's Identifier). */
  bundleId?: string;
  /** `codesign -dv` of the bundle, read only where system_profiler's signer has no team id. */
  codesign?: CodeSignature;
}

/** Formulae with an unknown request flag (`onRequest` undefined) come from `brew list`, which does not tell. */
export type HomebrewFormula = Omit<BrewFormula, "onRequest"> & { onRequest?: boolean };

export interface HomebrewListing {
  formulae: HomebrewFormula[];
  casks: BrewCask[];
  /** Why these titles cannot be judged by their tap (only `brew list` could be read). */
  unknown?: string;
}

export interface DarwinInventory {
  apps: DarwinApp[];
  receipts: PkgReceipt[];
  homebrew: HomebrewListing[];
}

/** What one row says, before rows with one key become one title. */
interface Entry {
  key: string;
  name: string;
  versions: string[];
  source: SoftwareSource;
  ids: string[];
  bundleId?: string;
  identity: TitleIdentity;
  scope: TitleScope;
  unknown?: string;
  /** `.app` file name of an application bundle, lower-cased (a cask names the apps it installs by it). */
  appFile?: string;
}

interface Building {
  title: SoftwareTitle;
  /** The source of the entries whose identity the title carries (the first of its best scope). */
  judgedBy: SoftwareSource;
  appFiles: Set<string>;
  bundleIds: string[];
}

const RANK: Record<TitleScope, number> = { installed: 2, dependency: 1, component: 0 };

export function mergeDarwinTitles(inventory: DarwinInventory): SoftwareTitle[] {
  const titles = new Map<string, Building>();
  for (const app of inventory.apps) {
    const entry = appEntry(app);
    if (entry !== undefined) add(titles, entry);
  }
  for (const listing of inventory.homebrew) {
    for (const cask of listing.casks) addCask(titles, cask, listing.unknown);
    for (const formula of listing.formulae) add(titles, formulaEntry(formula, listing.unknown));
  }
  for (const receipt of inventory.receipts) addReceipt(titles, receipt);
  return [...titles.values()].map((b) => b.title);
}

/** The key of a name: folded, without version, architecture or `.app`. */
export function titleKey(name: string, version?: string): string {
  return foldText(normaliseName(name.trim(), version).trim());
}

function appEntry({ app, bundleId, codesign }: DarwinApp): Entry | undefined {
  const placement = placementOf(app.path);
  if (placement === "data") return undefined;
  // The bundle's file name, not the localised display name ("Calculette"), keeps a key the same on every Mac.
  const file = app.path
    ?.split("/")
    .filter((s) => s !== "")
    .pop();
  const entry: Entry = {
    key: titleKey(file ?? app.name, app.version),
    name: app.name,
    versions: app.version === undefined ? [] : [app.version],
    source: "app",
    ids: bundleId === undefined ? [] : [bundleId],
    identity: identityOf(app, codesign),
    scope: placement,
  };
  if (bundleId !== undefined) entry.bundleId = bundleId;
  if (file !== undefined && /\.app$/i.test(file)) entry.appFile = file.toLowerCase();
  return entry;
}

function formulaEntry(formula: HomebrewFormula, unknown: string | undefined): Entry {
  const entry: Entry = {
    key: foldText(formula.name),
    name: formula.name,
    versions: formula.versions,
    source: "homebrew",
    ids: [formula.fullName],
    identity: formula.tap === undefined ? {} : { origin: formula.tap },
    // Without brew info nobody can tell a chosen formula from a dependency: it stays in view, unjudged.
    scope: formula.onRequest === false ? "dependency" : "installed",
  };
  if (unknown !== undefined) entry.unknown = unknown;
  return entry;
}

/** A cask that put an app in /Applications is that app's title (ids gain `cask:<token>`); any other cask stands alone. */
function addCask(titles: Map<string, Building>, cask: BrewCask, unknown: string | undefined): void {
  const files = new Set(cask.apps.map((a) => a.toLowerCase()));
  const keys = new Set(
    [cask.displayName, cask.token, cask.token.replace(/-/g, " ")].flatMap((n) => (n === undefined ? [] : [titleKey(n)])),
  );
  const owner =
    [...titles.values()].find((b) => b.title.scope === "installed" && [...b.appFiles].some((f) => files.has(f))) ??
    [...keys].map((k) => titles.get(k)).find((b) => b !== undefined && b.appFiles.size > 0 && b.title.scope === "installed");
  const id = `cask:${cask.token}`;
  if (owner !== undefined) {
    pushNew(owner.title.ids, id);
    pushNew(owner.title.sources, "homebrew");
    if (cask.version !== undefined) pushNew(owner.title.versions, cask.version);
    // Where the app came from is part of who vouches for it: an allow rule on the tap covers the app it installed.
    if (unknown === undefined && cask.tap !== undefined) owner.title.identity.origin ??= cask.tap;
    return;
  }
  const entry: Entry = {
    key: titleKey(cask.displayName ?? cask.token),
    name: cask.displayName ?? cask.token,
    versions: cask.version === undefined ? [] : [cask.version],
    source: "homebrew",
    ids: [id],
    identity: cask.tap === undefined ? {} : { origin: cask.tap },
    scope: "installed",
  };
  if (unknown !== undefined) entry.unknown = unknown;
  add(titles, entry);
}

/** A receipt is part of the app whose bundle id it carries (`com.microsoft.rdc` ← `com.microsoft.rdc.all.rdc.pkg.2.1.1`); the rest are components. */
function addReceipt(titles: Map<string, Building>, receipt: PkgReceipt): void {
  const id = receipt.id.toLowerCase();
  const owns = (b: Building) => b.bundleIds.some((bundle) => id === bundle || id.startsWith(`${bundle}.`));
  const candidates = [...titles.values()].filter(owns);
  const owner = candidates.find((b) => b.title.scope === "installed") ?? candidates[0];
  if (owner !== undefined) {
    pushNew(owner.title.ids, receipt.id);
    pushNew(owner.title.sources, "pkgutil");
    return;
  }
  const versions = receipt.version === undefined ? [] : [receipt.version];
  add(titles, {
    key: foldText(receipt.id),
    name: receipt.id,
    versions,
    source: "pkgutil",
    ids: [receipt.id],
    identity: {},
    scope: "component",
  });
}

/**
 * Rows with one key are one title. Its scope is the widest of its rows; its identity is that of the rows of
 * that scope and of the first row's source — and only what all of those agree on, so that an unsigned copy
 * in ~/Applications does not borrow the signature of the real app in /Applications.
 */
function add(titles: Map<string, Building>, entry: Entry): void {
  const existing = titles.get(entry.key);
  if (existing === undefined) {
    const title: SoftwareTitle = {
      key: entry.key,
      name: entry.name,
      versions: [...new Set(entry.versions)],
      sources: [entry.source],
      ids: [...entry.ids],
      identity: { ...entry.identity },
      scope: entry.scope,
    };
    if (entry.bundleId !== undefined) title.bundleId = entry.bundleId;
    if (entry.unknown !== undefined) title.unknown = entry.unknown;
    titles.set(entry.key, {
      title,
      judgedBy: entry.source,
      appFiles: new Set(entry.appFile === undefined ? [] : [entry.appFile]),
      bundleIds: entry.bundleId === undefined ? [] : [entry.bundleId.toLowerCase()],
    });
    return;
  }
  const { title } = existing;
  for (const version of entry.versions) pushNew(title.versions, version);
  pushNew(title.sources, entry.source);
  for (const id of entry.ids) pushNew(title.ids, id);
  if (entry.appFile !== undefined) existing.appFiles.add(entry.appFile);
  if (entry.bundleId !== undefined) pushNew(existing.bundleIds, entry.bundleId.toLowerCase());
  if (RANK[entry.scope] > RANK[title.scope]) {
    title.scope = entry.scope;
    title.name = entry.name;
    title.identity = { ...entry.identity };
    existing.judgedBy = entry.source;
    setOptional(title, "bundleId", entry.bundleId);
    setOptional(title, "unknown", entry.unknown);
  } else if (RANK[entry.scope] === RANK[title.scope] && entry.source === existing.judgedBy) {
    title.identity = agreed(title.identity, entry.identity);
    title.bundleId ??= entry.bundleId;
    title.unknown ??= entry.unknown;
  }
}

function agreed(a: TitleIdentity, b: TitleIdentity): TitleIdentity {
  const out: TitleIdentity = {};
  for (const field of ["teamId", "signer", "origin", "publisher"] as const) {
    if (a[field] !== undefined && a[field] === b[field]) out[field] = a[field];
  }
  return out;
}

function setOptional<K extends "bundleId" | "unknown">(title: SoftwareTitle, field: K, value: SoftwareTitle[K]): void {
  if (value === undefined) delete title[field];
  else title[field] = value;
}

function pushNew<T>(list: T[], value: T): void {
  if (!list.includes(value)) list.push(value);
}
