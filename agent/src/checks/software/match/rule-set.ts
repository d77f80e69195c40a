// A list of software rules compiled once: literal patterns in Maps, others bucketed by literal prefix, so a title meets only the rules that could match it.
import type { CompiledPattern, SoftwareRule, SoftwareSource } from "@wegroup/shared";
import type { SoftwareTitle } from "../facts.js";
import {
  compileRule,
  compiledRuleMatches,
  ruleMatches,
  type CompiledRule,
  type IdentityField,
  type TitleView,
  type VersionQuantifier,
} from "./rule.js";

interface TrieNode {
  /** By UTF-16 code unit: number keys hash without touching a string. */
  children: Map<number, TrieNode>;
  rules: CompiledRule[];
}

const trieNode = (): TrieNode => ({ children: new Map(), rules: [] });

/** What the candidate scan needs, passed down instead of a closure: the title, the quantifier, and the best rule so far. */
interface Scan {
  view: TitleView;
  quantifier: VersionQuantifier;
  best: CompiledRule | undefined;
}

/** Tries a candidate list (in policy order): past the best index found so far nothing can win. */
function scan(list: readonly CompiledRule[], s: Scan): void {
  for (const rule of list) {
    if (s.best !== undefined && rule.index >= s.best.index) return;
    if (compiledRuleMatches(rule, s.view, s.quantifier)) {
      s.best = rule;
      return;
    }
  }
}

/** Patterns by literal prefix, one code unit per level: walking a value down it meets exactly the patterns it could match. */
class PrefixTrie {
  private readonly root = trieNode();
  private empty = true;

  insert(prefix: string, rule: CompiledRule): void {
    this.empty = false;
    let node = this.root;
    for (let i = 0; i < prefix.length; i++) {
      const c = prefix.charCodeAt(i);
      let child = node.children.get(c);
      if (child === undefined) {
        child = trieNode();
        node.children.set(c, child);
      }
      node = child;
    }
    node.rules.push(rule);
  }

  scan(key: string, s: Scan): void {
    if (this.empty) return;
    let node: TrieNode | undefined = this.root;
    for (let i = 0; i < key.length && node.children.size > 0; i++) {
      node = node.children.get(key.charCodeAt(i));
      if (node === undefined) return;
      if (node.rules.length > 0) scan(node.rules, s);
    }
  }
}

/** Rules reachable from one field's value: by the whole (folded) value, or by a pattern's literal prefix. */
class FieldIndex {
  private readonly exact = new Map<string, CompiledRule[]>();
  private readonly prefixes = new PrefixTrie();
  /** Nothing filed here: most policies use two or three of the six fields. */
  empty = true;

  add(pattern: CompiledPattern, rule: CompiledRule): void {
    this.empty = false;
    if (pattern.literal === undefined) return this.prefixes.insert(pattern.prefix, rule);
    const list = this.exact.get(pattern.literal);
    if (list === undefined) this.exact.set(pattern.literal, [rule]);
    else list.push(rule);
  }

  /** Scans the candidate lists of one folded value. */
  scan(key: string, s: Scan): void {
    const exact = this.exact.get(key);
    if (exact !== undefined) scan(exact, s);
    this.prefixes.scan(key, s);
  }
}

type Field = "name" | "bundleId" | IdentityField;
/** Most selective first: a rule is filed under the first of these it sets with a literal (else a literal prefix). */
const FIELDS: readonly Field[] = ["teamId", "signer", "origin", "bundleId", "name", "publisher"];

export class RuleSet {
  readonly size: number;
  private readonly fields: Record<Field, FieldIndex> = {
    teamId: new FieldIndex(),
    signer: new FieldIndex(),
    origin: new FieldIndex(),
    bundleId: new FieldIndex(),
    name: new FieldIndex(),
    publisher: new FieldIndex(),
  };
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
      if (pattern?.literal !== undefined) return this.fields[field].add(pattern, rule);
    }
    for (const field of FIELDS) {
      const pattern = rule[field];
      if (pattern !== undefined && pattern.prefix !== "") return this.fields[field].add(pattern, rule);
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
    const s: Scan = { view, quantifier: this.quantifier, best: undefined };
    const { name, bundleId, teamId, signer, origin, publisher } = this.fields;
    if (!name.empty) for (const value of view.names) name.scan(value, s);
    if (!bundleId.empty) for (const value of view.bundleIds) bundleId.scan(value, s);
    // Spelled out rather than looped over IDENTITY_FIELDS: a property read by a variable name is several times slower here.
    if (view.teamId !== undefined && !teamId.empty) teamId.scan(view.teamId, s);
    if (view.signer !== undefined && !signer.empty) signer.scan(view.signer, s);
    if (view.origin !== undefined && !origin.empty) origin.scan(view.origin, s);
    if (view.publisher !== undefined && !publisher.empty) publisher.scan(view.publisher, s);
    if (this.bySource.size > 0) {
      for (const source of view.title.sources) {
        const bySource = this.bySource.get(source);
        if (bySource !== undefined) scan(bySource, s);
      }
    }
    if (this.always.length > 0) scan(this.always, s);
    return s.best;
  }
}

/** The reference for RuleSet.firstMatch: every rule, in order, through ruleMatches. */
export function firstMatchNaive(
  rules: readonly SoftwareRule[],
  title: SoftwareTitle,
  quantifier: VersionQuantifier = "some",
): number | undefined {
  const index = rules.findIndex((rule) => ruleMatches(rule, title, quantifier));
  return index < 0 ? undefined : index;
}
