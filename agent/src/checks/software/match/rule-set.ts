// A list of software rules compiled once: literal patterns in Maps, others bucketed by literal prefix, so a title meets only the rules that could match it.
import type { CompiledPattern, SoftwareRule, SoftwareSource } from "@wegroup/shared";
import type { SoftwareTitle } from "../facts.js";
import { IDENTITY_FIELDS, compileRule, compiledRuleMatches, ruleMatches, type CompiledRule, type IdentityField, type TitleView, type VersionQuantifier } from "./rule.js";

interface TrieNode {
  children: Map<string, TrieNode>;
  rules: CompiledRule[];
}

const trieNode = (): TrieNode => ({ children: new Map(), rules: [] });

/** Patterns by literal prefix, one character per level: walking a value down it meets exactly the patterns it could match. */
class PrefixTrie {
  private readonly root = trieNode();

  insert(prefix: string, rule: CompiledRule): void {
    let node = this.root;
    // UTF-16 units, as collect() walks them.
    for (let i = 0; i < prefix.length; i++) {
      const c = prefix.charAt(i);
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

/** Rules reachable from one field's value: by the whole (folded) value, or by a pattern's literal prefix. */
class FieldIndex {
  private readonly exact = new Map<string, CompiledRule[]>();
  private readonly prefixes = new PrefixTrie();

  add(pattern: CompiledPattern, rule: CompiledRule): void {
    if (pattern.literal === undefined) return this.prefixes.insert(pattern.prefix, rule);
    const list = this.exact.get(pattern.literal);
    if (list === undefined) this.exact.set(pattern.literal, [rule]);
    else list.push(rule);
  }

  /** Candidate lists for one folded value. */
  lookup(key: string, out: CompiledRule[][]): void {
    const exact = this.exact.get(key);
    if (exact !== undefined) out.push(exact);
    this.prefixes.collect(key, out);
  }
}

type Field = "name" | "bundleId" | IdentityField;
/** Most selective first: a rule is filed under the first of these it sets with a literal (else a literal prefix). */
const FIELDS: readonly Field[] = ["teamId", "signer", "origin", "bundleId", "name", "publisher"];

export class RuleSet {
  readonly size: number;
  private readonly fields = new Map<Field, FieldIndex>(FIELDS.map((f) => [f, new FieldIndex()]));
  private readonly bySource = new Map<SoftwareSource, CompiledRule[]>();
  /** Rules whose every pattern starts with a wildcard and that name no source: checked against every title. */
  private readonly always: CompiledRule[] = [];

  constructor(
    readonly rules: readonly SoftwareRule[],
    private readonly quantifier: VersionQuantifier = "some",
  ) {
    this.size = rules.length;
    rules.forEach((rule, index) => this.anchor(compileRule(rule, index)));
  }

  /** Files a rule under its most selective field: an exact value, else a pattern's literal prefix, else its source. */
  private anchor(rule: CompiledRule): void {
    for (const field of FIELDS) {
      const pattern = rule[field];
      if (pattern?.literal !== undefined) return this.fields.get(field)?.add(pattern, rule);
    }
    for (const field of FIELDS) {
      const pattern = rule[field];
      if (pattern !== undefined && pattern.prefix !== "") return this.fields.get(field)?.add(pattern, rule);
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
  firstMatch(view: TitleView): CompiledRule | undefined {
    const lists: CompiledRule[][] = [];
    const lookup = (field: Field, value: string | undefined) => {
      if (value !== undefined) this.fields.get(field)?.lookup(value, lists);
    };
    for (const name of view.names) lookup("name", name);
    for (const id of view.bundleIds) lookup("bundleId", id);
    for (const field of IDENTITY_FIELDS) lookup(field, view[field]);
    for (const source of view.title.sources) {
      const bySource = this.bySource.get(source);
      if (bySource !== undefined) lists.push(bySource);
    }
    lists.push(this.always);
    let best: CompiledRule | undefined;
    for (const list of lists) {
      // Each list is in policy order: past the best index found so far nothing can win.
      for (const rule of list) {
        if (best !== undefined && rule.index >= best.index) break;
        if (compiledRuleMatches(rule, view, this.quantifier)) best = rule;
      }
    }
    return best;
  }
}

/** The reference for RuleSet.firstMatch: every rule, in order, through ruleMatches. */
export function firstMatchNaive(rules: readonly SoftwareRule[], title: SoftwareTitle, quantifier: VersionQuantifier = "some"): number | undefined {
  const index = rules.findIndex((rule) => ruleMatches(rule, title, quantifier));
  return index < 0 ? undefined : index;
}
