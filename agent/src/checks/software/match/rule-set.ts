// A list of software rules compiled once: exact values in Maps, globs bucketed by literal prefix, so a package meets only the rules that could match it.
import type { SoftwareRule, SoftwareSource } from "@wegroup/shared";
import type { InstalledPackage } from "../facts.js";
import { compileRule, compiledRuleMatches, ruleMatches, type CompiledRule, type FieldMatcher, type PackageView } from "./rule.js";

type Field = "name" | "publisher" | "bundleId";
const FIELDS: readonly Field[] = ["name", "bundleId", "publisher"];

interface TrieNode {
  children: Map<string, TrieNode>;
  rules: CompiledRule[];
}

const trieNode = (): TrieNode => ({ children: new Map(), rules: [] });

/** Globs by literal prefix, one character per level: walking a value down it meets exactly the globs it could match. */
class PrefixTrie {
  private readonly root = trieNode();

  insert(prefix: string, rule: CompiledRule): void {
    let node = this.root;
    for (const c of prefix) {
      let child = node.children.get(c);
      if (child === undefined) {
        child = trieNode();
        node.children.set(c, child);
      }
      node = child;
    }
    node.rules.push(rule);
  }

  collect(key: string, out: CompiledRule[][]): void {
    let node: TrieNode | undefined = this.root;
    for (let i = 0; i < key.length && node.children.size > 0; i++) {
      node = node.children.get(key.charAt(i));
      if (node === undefined) return;
      if (node.rules.length > 0) out.push(node.rules);
    }
  }
}

/** Rules reachable from one field's value: by the whole value, or by a glob's literal prefix. */
class FieldIndex {
  private readonly exact = new Map<string, CompiledRule[]>();
  private readonly globs = new PrefixTrie();

  add(matcher: FieldMatcher, rule: CompiledRule): void {
    if (matcher.kind === "glob") return this.globs.insert(matcher.prefix, rule);
    const list = this.exact.get(matcher.key);
    if (list === undefined) this.exact.set(matcher.key, [rule]);
    else list.push(rule);
  }

  /** Candidate lists for one key (lower-cased value). */
  lookup(key: string, out: CompiledRule[][]): void {
    const exact = this.exact.get(key);
    if (exact !== undefined) out.push(exact);
    this.globs.collect(key, out);
  }
}

export class RuleSet {
  readonly size: number;
  private readonly fields: Record<Field, FieldIndex> = { name: new FieldIndex(), publisher: new FieldIndex(), bundleId: new FieldIndex() };
  private readonly bySource = new Map<SoftwareSource, CompiledRule[]>();
  /** Rules whose every glob starts with a wildcard and that name no source: checked against every package. */
  private readonly always: CompiledRule[] = [];

  constructor(readonly rules: readonly SoftwareRule[]) {
    this.size = rules.length;
    rules.forEach((rule, index) => this.anchor(compileRule(rule, index)));
  }

  /** Files a rule under its most selective field: an exact value, else a glob's literal prefix, else its source. */
  private anchor(rule: CompiledRule): void {
    for (const field of FIELDS) {
      const matcher = rule[field];
      if (matcher?.kind === "exact") return this.fields[field].add(matcher, rule);
    }
    for (const field of FIELDS) {
      const matcher = rule[field];
      if (matcher?.kind === "glob" && matcher.prefix !== "") return this.fields[field].add(matcher, rule);
    }
    if (rule.source !== undefined) {
      const list = this.bySource.get(rule.source);
      if (list === undefined) this.bySource.set(rule.source, [rule]);
      else list.push(rule);
      return;
    }
    this.always.push(rule);
  }

  /** The first rule (in policy order) that matches, or undefined. */
  firstMatch(view: PackageView): CompiledRule | undefined {
    const lists: CompiledRule[][] = [];
    this.fields.name.lookup(view.nameKey, lists);
    if (view.normalisedKey !== undefined) this.fields.name.lookup(view.normalisedKey, lists);
    if (view.bundleIdKey !== undefined) this.fields.bundleId.lookup(view.bundleIdKey, lists);
    if (view.publisherKey !== undefined) this.fields.publisher.lookup(view.publisherKey, lists);
    const bySource = this.bySource.get(view.pkg.source);
    if (bySource !== undefined) lists.push(bySource);
    lists.push(this.always);
    let best: CompiledRule | undefined;
    for (const list of lists) {
      // Each list is in policy order: past the best index found so far nothing can win.
      for (const rule of list) {
        if (best !== undefined && rule.index >= best.index) break;
        if (compiledRuleMatches(rule, view)) best = rule;
      }
    }
    return best;
  }
}

/** The reference for RuleSet.firstMatch: every rule, in order, through ruleMatches. */
export function firstMatchNaive(rules: readonly SoftwareRule[], pkg: InstalledPackage): number | undefined {
  const index = rules.findIndex((rule) => ruleMatches(rule, pkg));
  return index < 0 ? undefined : index;
}
