// One software rule against one package: the reference semantics, and the compiled form the rule set indexes.
import { globMatch, type SoftwareRule, type SoftwareSource } from "@wegroup/shared";
import type { InstalledPackage } from "../facts.js";
import { inRange, parseVersionRange, versionOrderFor, type Comparator } from "../version/range.js";
import { normaliseName } from "./normalise.js";

/**
 * The reference: a rule matches when every field it sets matches. `name` is tried against the package name
 * and against its normalised name ("Nmap 7.92" → "Nmap"); `version` in the package source's own order.
 */
export function ruleMatches(rule: SoftwareRule, pkg: InstalledPackage): boolean {
  if (rule.source !== undefined && rule.source !== pkg.source) return false;
  if (rule.name !== undefined && !globMatch(rule.name, pkg.name) && !globMatch(rule.name, normaliseName(pkg.name, pkg.version))) return false;
  if (rule.publisher !== undefined && (pkg.publisher === undefined || !globMatch(rule.publisher, pkg.publisher))) return false;
  if (rule.bundleId !== undefined && (pkg.bundleId === undefined || !globMatch(rule.bundleId, pkg.bundleId))) return false;
  if (rule.version !== undefined && !inRange(pkg.version, parseVersionRange(rule.version), versionOrderFor(pkg.source))) return false;
  return true;
}

/** Lower-cases A-Z only: exactly the case folding a case-insensitive RegExp applies to an ASCII pattern. */
export function asciiLower(text: string): string {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32)) : text;
}

/** A package as the compiled rules look at it: keys computed once per package, not once per rule. */
export interface PackageView {
  pkg: InstalledPackage;
  name: string;
  nameKey: string;
  /** Undefined when normalising changes nothing. */
  normalised?: string;
  normalisedKey?: string;
  publisherKey?: string;
  bundleIdKey?: string;
}

/** Views live as long as their package: the fact cache reuses the same inventory between check cycles. */
const views = new WeakMap<InstalledPackage, PackageView>();

export function viewOf(pkg: InstalledPackage): PackageView {
  const cached = views.get(pkg);
  if (cached !== undefined && cached.name === pkg.name) return cached;
  const view = computeView(pkg);
  views.set(pkg, view);
  return view;
}

function computeView(pkg: InstalledPackage): PackageView {
  const normalised = normaliseName(pkg.name, pkg.version);
  const view: PackageView = { pkg, name: pkg.name, nameKey: asciiLower(pkg.name) };
  if (normalised !== pkg.name) {
    view.normalised = normalised;
    view.normalisedKey = asciiLower(normalised);
  }
  if (pkg.publisher !== undefined) view.publisherKey = asciiLower(pkg.publisher);
  if (pkg.bundleId !== undefined) view.bundleIdKey = asciiLower(pkg.bundleId);
  return view;
}

/**
 * A glob field, compiled. A pattern with no glob syntax and only printable ASCII is compared as a lower-cased
 * string; any other pattern goes to globMatch, behind a cheap test of its literal ASCII prefix.
 */
export type FieldMatcher = { kind: "exact"; key: string } | { kind: "glob"; pattern: string; prefix: string };

// Everything picomatch may treat as syntax (`notepad++` is a repetition, `foo(bar)` a group), and path separators.
const GLOB_SYNTAX = /[*?[\]{}()!+@\\/]/;

export function compileField(pattern: string): FieldMatcher {
  const printableAscii = /^[\x20-\x7e]*$/.test(pattern);
  // A leading "./" is dropped by picomatch, so a pattern starting with "." has no reliable literal prefix.
  if (printableAscii && !GLOB_SYNTAX.test(pattern) && !pattern.startsWith(".")) return { kind: "exact", key: asciiLower(pattern) };
  let prefix = "";
  if (!pattern.startsWith(".")) {
    for (const c of pattern) {
      if (GLOB_SYNTAX.test(c) || c < "\x20" || c > "\x7e") break;
      prefix += c;
    }
  }
  return { kind: "glob", pattern, prefix: asciiLower(prefix) };
}

function fieldMatches(field: FieldMatcher, key: string, value: string): boolean {
  if (field.kind === "exact") return key === field.key;
  return key.startsWith(field.prefix) && globMatch(field.pattern, value);
}

export interface CompiledRule {
  /** Position in the policy list: the first matching rule decides, as in the reference. */
  index: number;
  rule: SoftwareRule;
  name?: FieldMatcher;
  publisher?: FieldMatcher;
  bundleId?: FieldMatcher;
  source?: SoftwareSource;
  range?: Comparator[];
}

export function compileRule(rule: SoftwareRule, index: number): CompiledRule {
  const compiled: CompiledRule = { index, rule };
  if (rule.name !== undefined) compiled.name = compileField(rule.name);
  if (rule.publisher !== undefined) compiled.publisher = compileField(rule.publisher);
  if (rule.bundleId !== undefined) compiled.bundleId = compileField(rule.bundleId);
  if (rule.source !== undefined) compiled.source = rule.source;
  if (rule.version !== undefined) compiled.range = parseVersionRange(rule.version);
  return compiled;
}

/** The compiled equivalent of ruleMatches. */
export function compiledRuleMatches(rule: CompiledRule, view: PackageView): boolean {
  const pkg = view.pkg;
  if (rule.source !== undefined && rule.source !== pkg.source) return false;
  if (rule.name !== undefined) {
    const byName = fieldMatches(rule.name, view.nameKey, view.name);
    const byNormalised = !byName && view.normalised !== undefined && fieldMatches(rule.name, view.normalisedKey ?? "", view.normalised);
    if (!byName && !byNormalised) return false;
  }
  if (rule.publisher !== undefined && (pkg.publisher === undefined || !fieldMatches(rule.publisher, view.publisherKey ?? "", pkg.publisher))) return false;
  if (rule.bundleId !== undefined && (pkg.bundleId === undefined || !fieldMatches(rule.bundleId, view.bundleIdKey ?? "", pkg.bundleId))) return false;
  if (rule.range !== undefined && !inRange(pkg.version, rule.range, versionOrderFor(pkg.source))) return false;
  return true;
}
