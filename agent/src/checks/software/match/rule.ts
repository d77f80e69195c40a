// One software rule against one title: the reference semantics, and the compiled form the rule set indexes.
import { compilePattern, foldText, patternMatches, type CompiledPattern, type SoftwareRule, type SoftwareSource } from "@wegroup/shared";
import type { SoftwareTitle } from "../facts.js";
import { inRange, parseVersionRange, versionOrderFor, type Comparator } from "../version/range.js";
import { normaliseName } from "./normalise.js";

/** Whether a rule judges by a version range that every installed version must meet (allow) or that one is enough for (deny). */
export type VersionQuantifier = "every" | "some";

/** The texts a rule's `name` is tried against: the display name, its normalised form, the key and every folded-in id. */
export function namesOf(title: SoftwareTitle): string[] {
  return [...new Set([title.name, normaliseName(title.name, title.versions[0]), title.key, ...title.ids])];
}

/** The texts a rule's `bundleId` is tried against. */
export function bundleIdsOf(title: SoftwareTitle): string[] {
  return title.bundleId === undefined ? title.ids : [title.bundleId, ...title.ids];
}

function anyMatches(pattern: string, values: readonly string[]): boolean {
  return values.some((v) => patternMatches(pattern, v));
}

function optionalMatches(pattern: string | undefined, value: string | undefined): boolean {
  return pattern === undefined || (value !== undefined && patternMatches(pattern, value));
}

function versionsMatch(range: readonly Comparator[], title: SoftwareTitle, quantifier: VersionQuantifier): boolean {
  const source = title.sources[0] ?? "app";
  const order = versionOrderFor(source);
  if (title.versions.length === 0) return false;
  return quantifier === "every"
    ? title.versions.every((v) => inRange(v, range, order))
    : title.versions.some((v) => inRange(v, range, order));
}

/**
 * The reference: a rule matches when every field it sets matches. Identity fields (`teamId`, `signer`, `origin`,
 * `publisher`) are compared with the verified identity only — never with what the software says about itself.
 */
export function ruleMatches(rule: SoftwareRule, title: SoftwareTitle, quantifier: VersionQuantifier = "some"): boolean {
  if (rule.source !== undefined && !title.sources.includes(rule.source)) return false;
  if (rule.name !== undefined && !anyMatches(rule.name, namesOf(title))) return false;
  if (rule.bundleId !== undefined && !anyMatches(rule.bundleId, bundleIdsOf(title))) return false;
  if (!optionalMatches(rule.teamId, title.identity.teamId)) return false;
  if (!optionalMatches(rule.signer, title.identity.signer)) return false;
  if (!optionalMatches(rule.origin, title.identity.origin)) return false;
  if (!optionalMatches(rule.publisher, title.identity.publisher)) return false;
  if (rule.version !== undefined && !versionsMatch(parseVersionRange(rule.version), title, quantifier)) return false;
  return true;
}

/** A title as the compiled rules look at it: folded texts computed once per title, not once per rule. */
export interface TitleView {
  title: SoftwareTitle;
  names: string[];
  bundleIds: string[];
  teamId?: string;
  signer?: string;
  origin?: string;
  publisher?: string;
}

/** Views live as long as their title: the fact cache reuses the same inventory between check cycles. */
const views = new WeakMap<SoftwareTitle, TitleView>();

export function viewOf(title: SoftwareTitle): TitleView {
  let view = views.get(title);
  if (view === undefined) {
    view = computeView(title);
    views.set(title, view);
  }
  return view;
}

function computeView(title: SoftwareTitle): TitleView {
  const fold = (values: readonly string[]) => [...new Set(values.map(foldText))];
  const view: TitleView = { title, names: fold(namesOf(title)), bundleIds: fold(bundleIdsOf(title)) };
  const { teamId, signer, origin, publisher } = title.identity;
  if (teamId !== undefined) view.teamId = foldText(teamId);
  if (signer !== undefined) view.signer = foldText(signer);
  if (origin !== undefined) view.origin = foldText(origin);
  if (publisher !== undefined) view.publisher = foldText(publisher);
  return view;
}

export type IdentityField = "teamId" | "signer" | "origin" | "publisher";
export const IDENTITY_FIELDS: readonly IdentityField[] = ["teamId", "signer", "origin", "publisher"];

export interface CompiledRule {
  /** Position in the policy list: the first matching rule decides, as in the reference. */
  index: number;
  rule: SoftwareRule;
  name?: CompiledPattern;
  bundleId?: CompiledPattern;
  teamId?: CompiledPattern;
  signer?: CompiledPattern;
  origin?: CompiledPattern;
  publisher?: CompiledPattern;
  source?: SoftwareSource;
  range?: Comparator[];
}

export function compileRule(rule: SoftwareRule, index: number): CompiledRule {
  const compiled: CompiledRule = { index, rule };
  if (rule.name !== undefined) compiled.name = compilePattern(rule.name);
  if (rule.bundleId !== undefined) compiled.bundleId = compilePattern(rule.bundleId);
  for (const field of IDENTITY_FIELDS) {
    const pattern = rule[field];
    if (pattern !== undefined) compiled[field] = compilePattern(pattern);
  }
  if (rule.source !== undefined) compiled.source = rule.source;
  if (rule.version !== undefined) compiled.range = parseVersionRange(rule.version);
  return compiled;
}

function someFolded(pattern: CompiledPattern, values: readonly string[]): boolean {
  for (const value of values) if (pattern.matchesFolded(value)) return true;
  return false;
}

const identityMatches = (pattern: CompiledPattern | undefined, value: string | undefined) =>
  pattern === undefined || (value !== undefined && pattern.matchesFolded(value));

/** The compiled equivalent of ruleMatches. */
export function compiledRuleMatches(rule: CompiledRule, view: TitleView, quantifier: VersionQuantifier): boolean {
  const title = view.title;
  if (rule.source !== undefined && !title.sources.includes(rule.source)) return false;
  if (rule.name !== undefined && !someFolded(rule.name, view.names)) return false;
  if (rule.bundleId !== undefined && !someFolded(rule.bundleId, view.bundleIds)) return false;
  if (!identityMatches(rule.teamId, view.teamId) || !identityMatches(rule.signer, view.signer)) return false;
  if (!identityMatches(rule.origin, view.origin) || !identityMatches(rule.publisher, view.publisher)) return false;
  if (rule.range !== undefined && !versionsMatch(rule.range, title, quantifier)) return false;
  return true;
}
