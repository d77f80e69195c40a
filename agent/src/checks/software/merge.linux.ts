// Folds what the Linux package managers list into software titles: one per source package and origin, with its scope and verified origin.
import { foldText, type SoftwareSource } from "@wegroup/shared";
import type { SoftwareTitle, TitleScope } from "./facts.js";
import { installedOrigin, policyLookup, type AptPolicyEntry } from "./parse/apt-cache-policy.js";
import type { AptAutoMark } from "./parse/apt-extended-states.js";
import type { DpkgPackage } from "./parse/dpkg-common.js";
import type { FlatpakPackage } from "./parse/flatpak.js";
import type { RpmPackage } from "./parse/rpm-common.js";
import { importedKeys, keyFor } from "./parse/rpm-keys.js";
import type { SnapPackage } from "./parse/snap.js";

/** Either what a source answered, or in words why it answered nothing. */
export type Known<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Which dpkg packages a person installed: apt's automatic marks, its list of manual ones, or nothing known. */
export type AptMarks =
  { kind: "auto-marks"; marks: readonly AptAutoMark[] } | { kind: "manual-names"; names: readonly string[] } | { kind: "unknown" };

export interface LinuxInventory {
  dpkg?: { packages: readonly DpkgPackage[]; policy: Known<readonly AptPolicyEntry[]>; marks: AptMarks };
  /** `userInstalled`: names dnf says a user asked for; undefined when dnf could not say (then every rpm counts as installed). */
  rpm?: { packages: readonly RpmPackage[]; userInstalled?: readonly string[] };
  snap?: readonly SnapPackage[];
  flatpak?: readonly FlatpakPackage[];
}

/** One package on its way into a title. */
interface Member {
  id: string;
  version: string;
  /** The source package (or the package itself) the title is named after. */
  group: string;
  origin?: string;
  /** Why the origin is not known; such a member's title cannot be judged by the allowlist. */
  unknown?: string;
  signer?: string;
  publisher?: string;
  declaredPublisher?: string;
  bundleId?: string;
  displayName?: string;
  scope: TitleScope;
}

export function linuxTitles(inventory: LinuxInventory): SoftwareTitle[] {
  const titles = [
    ...(inventory.dpkg !== undefined ? fold(dpkgMembers(inventory.dpkg), "dpkg") : []),
    ...(inventory.rpm !== undefined ? fold(rpmMembers(inventory.rpm), "rpm") : []),
    ...fold((inventory.snap ?? []).map(snapMember), "snap"),
    ...fold((inventory.flatpak ?? []).map(flatpakMember), "flatpak"),
  ];
  return withUniqueKeys(titles);
}

function dpkgMembers(dpkg: NonNullable<LinuxInventory["dpkg"]>): Member[] {
  const lookup = dpkg.policy.ok ? policyLookup(dpkg.policy.value) : undefined;
  // No repository offers any version of anything: apt's package lists are empty (never updated, or cleaned away).
  const listsEmpty = dpkg.policy.ok && dpkg.packages.length > 0 && !dpkg.policy.value.some((e) => e.inRepository);
  const isManual = manualTest(dpkg.marks);
  return dpkg.packages.map((p) => {
    const member: Member = {
      id: p.name,
      version: p.version,
      group: p.sourcePackage ?? p.name,
      scope: isManual(p) ? "installed" : "dependency",
    };
    if (p.publisher !== undefined) member.declaredPublisher = p.publisher;
    if (!dpkg.policy.ok) member.unknown = `origin unknown: apt-cache policy: ${dpkg.policy.reason}`;
    else if (listsEmpty)
      member.unknown = "origin unknown: apt-cache policy names no repository for any package (apt's package lists are empty)";
    else {
      const entry = lookup?.(p.binaryPackage ?? p.name, p.name);
      const origin = entry !== undefined ? installedOrigin(entry) : undefined;
      if (origin !== undefined) member.origin = origin;
      else member.unknown = `origin unknown: apt-cache policy shows no installed version of ${p.binaryPackage ?? p.name}`;
    }
    return member;
  });
}

/** apt stores `Architecture: all` packages under the native architecture: such a package matches a mark of any architecture. */
function manualTest(marks: AptMarks): (p: DpkgPackage) => boolean {
  if (marks.kind === "unknown") return () => true;
  if (marks.kind === "manual-names") {
    const names = new Set(marks.names);
    return (p) =>
      names.has(p.name) ||
      (p.binaryPackage !== undefined && names.has(p.binaryPackage)) ||
      (p.arch !== undefined && names.has(`${p.name}:${p.arch}`));
  }
  const byName = new Map<string, AptAutoMark[]>();
  for (const m of marks.marks) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
  return (p) => {
    const mark = (byName.get(p.name) ?? []).find(
      (m) => m.arch === undefined || p.arch === undefined || p.arch === "all" || m.arch === p.arch,
    );
    return mark === undefined || !mark.auto;
  };
}

function rpmMembers(rpm: NonNullable<LinuxInventory["rpm"]>): Member[] {
  const keys = importedKeys(rpm.packages);
  const userInstalled = rpm.userInstalled !== undefined ? new Set(rpm.userInstalled) : undefined;
  // gpg-pubkey entries are the database's trusted keys, not software.
  return rpm.packages
    .filter((p) => p.name !== "gpg-pubkey")
    .map((p) => {
      const member: Member = {
        id: p.name,
        version: p.version,
        group: p.sourcePackage ?? p.name,
        scope: userInstalled === undefined || userInstalled.has(p.name) ? "installed" : "dependency",
      };
      if (p.publisher !== undefined) member.declaredPublisher = p.publisher;
      if (p.signingKeys === undefined) member.unknown = "origin unknown: the rpm listing has no signature field";
      else if (p.signingKeys.length === 0) member.origin = "local";
      else {
        const key = p.signingKeys.map((id) => keyFor(keys, id)).find((k) => k !== undefined);
        if (key !== undefined) member.origin = member.signer = key.userId;
        else member.origin = `key:${p.signingKeys[0] ?? ""}`;
      }
      return member;
    });
}

function snapMember(p: SnapPackage): Member {
  const member: Member = { id: p.name, version: p.version, group: p.name, scope: p.system === true ? "component" : "installed" };
  member.origin = p.local === true || p.publisher === undefined ? "local" : p.publisher;
  if (p.verified === true && p.local !== true && p.publisher !== undefined) member.publisher = p.publisher;
  return member;
}

function flatpakMember(p: FlatpakPackage): Member {
  const id = p.bundleId ?? p.name;
  const member: Member = {
    id,
    version: p.version,
    group: id,
    displayName: p.name,
    bundleId: id,
    scope: p.runtime === true ? "component" : "installed",
  };
  if (p.origin !== undefined) member.origin = p.origin;
  else member.unknown = "origin unknown: the flatpak listing has no Origin column (flatpak before 1.2 cannot print one)";
  return member;
}

/**
 * Members of one group and one origin are one title. A package only declares its source package, so a group that
 * spans several origins is split: the part that holds the package named like the group keeps the plain key, the
 * others get `<name> (<origin>)` and cannot borrow its identity.
 */
function fold(members: readonly Member[], source: SoftwareSource): SoftwareTitle[] {
  const groups = new Map<string, Map<string, Member[]>>();
  for (const m of members) {
    const byOrigin = groups.get(m.group) ?? new Map<string, Member[]>();
    groups.set(m.group, byOrigin);
    const origin = originKey(m);
    byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), m]);
  }
  const titles: SoftwareTitle[] = [];
  for (const [group, byOrigin] of groups) {
    const parts = [...byOrigin.values()];
    const main = parts.find((part) => part.some((m) => m.id === group)) ?? parts.reduce((a, b) => (b.length > a.length ? b : a));
    for (const part of parts) titles.push(titleOf(group, part, source, part === main ? undefined : originKey(part[0])));
  }
  return titles;
}

function originKey(m: Member | undefined): string {
  return m?.origin ?? "origin unknown";
}

function titleOf(group: string, members: readonly Member[], source: SoftwareSource, suffix: string | undefined): SoftwareTitle {
  const first = members[0];
  const named = members.find((m) => m.id === group) ?? first;
  const title: SoftwareTitle = {
    key: suffix === undefined ? foldText(group) : `${foldText(group)} (${foldText(suffix)})`,
    name: named?.displayName ?? group,
    versions: distinct(members.map((m) => m.version).filter((v) => v !== "")),
    sources: [source],
    ids: distinct(members.map((m) => m.id)),
    identity: {},
    scope: members.some((m) => m.scope === "installed")
      ? "installed"
      : members.some((m) => m.scope === "dependency")
        ? "dependency"
        : "component",
  };
  const declared = named?.declaredPublisher ?? members.find((m) => m.declaredPublisher !== undefined)?.declaredPublisher;
  if (declared !== undefined) title.declaredPublisher = declared;
  if (first?.bundleId !== undefined) title.bundleId = first.bundleId;
  if (first?.origin !== undefined) title.identity.origin = first.origin;
  if (first?.signer !== undefined) title.identity.signer = first.signer;
  if (first?.publisher !== undefined) title.identity.publisher = first.publisher;
  if (first?.unknown !== undefined) title.unknown = first.unknown;
  return title;
}

/**
 * Titles of different inventories may share a key (a deb and a snap both named firefox). The same origin makes
 * them one title; a different one keeps them apart, the later one keyed `<key> (<origin or source>)`.
 */
function withUniqueKeys(titles: readonly SoftwareTitle[]): SoftwareTitle[] {
  const byKey = new Map<string, SoftwareTitle>();
  for (const title of titles) {
    const seen = byKey.get(title.key);
    if (seen === undefined) {
      byKey.set(title.key, title);
      continue;
    }
    if (
      seen.identity.origin === title.identity.origin &&
      seen.unknown === title.unknown &&
      seen.identity.publisher === title.identity.publisher
    ) {
      seen.versions = distinct([...seen.versions, ...title.versions]);
      seen.ids = distinct([...seen.ids, ...title.ids]);
      seen.sources = distinct([...seen.sources, ...title.sources]);
      if (seen.scope !== "installed" && title.scope === "installed") seen.scope = "installed";
      continue;
    }
    let key = `${title.key} (${foldText(title.identity.origin ?? title.sources[0] ?? "")})`;
    for (let n = 2; byKey.has(key); n++) key = `${title.key} (${foldText(title.identity.origin ?? "")}, ${title.sources[0] ?? ""} ${n})`;
    byKey.set(key, { ...title, key });
  }
  return [...byKey.values()];
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
