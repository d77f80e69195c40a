// Installed software against IT's policy: deny rules always fail, and in allowlist mode so does anything no allow rule approves.
import { fail, pass, unknown, type CheckResult, type CheckViolation, type SoftwarePolicy, type SoftwareRule } from "@wegroup/shared";
import type { InstalledPackage, SoftwareFacts } from "./facts.js";
import { viewOf } from "./match/rule.js";
import { RuleSet } from "./match/rule-set.js";

interface CompiledPolicy {
  allow: RuleSet;
  deny: RuleSet;
}

// Policies are immutable once validated: compile each one once, however many times it is evaluated.
const compiledPolicies = new WeakMap<SoftwarePolicy, CompiledPolicy>();

export function compilePolicy(policy: SoftwarePolicy): CompiledPolicy {
  let compiled = compiledPolicies.get(policy);
  if (compiled === undefined) {
    compiled = { allow: new RuleSet(policy.allow), deny: new RuleSet(policy.deny) };
    compiledPolicies.set(policy, compiled);
  }
  return compiled;
}

/** Why one package fails: the deny rule that caught it, or no allow rule approving it. */
export type Verdict = { kind: "denied"; rule: SoftwareRule; index: number } | { kind: "unapproved" };

/** The verdict on one package, or undefined when it passes. */
export function judgePackage(pkg: InstalledPackage, policy: SoftwarePolicy): Verdict | undefined {
  const compiled = compilePolicy(policy);
  const view = viewOf(pkg);
  const denied = compiled.deny.firstMatch(view);
  if (denied !== undefined) return { kind: "denied", rule: denied.rule, index: denied.index };
  if (policy.mode === "allowlist" && compiled.allow.firstMatch(view) === undefined) return { kind: "unapproved" };
  return undefined;
}

interface FailingName {
  subject: string;
  denied: InstalledPackage[];
  deny?: Extract<Verdict, { kind: "denied" }>;
  unapproved: InstalledPackage[];
}

const MAX_VIOLATIONS = 10_000;
const MAX_TEXT = 2_000;
const MAX_SUBJECT = 300;
const LISTED_INSTANCES = 5;

export function evaluateSoftware(facts: SoftwareFacts, policy: SoftwarePolicy): CheckResult {
  const problems = facts.problems.length > 0 ? `could not read: ${facts.problems.join("; ")}` : undefined;
  if (facts.sources.length === 0) {
    return unknown("software", clip(problems === undefined ? "no software inventory could be read on this machine" : `no software inventory could be read (${problems})`));
  }
  // One violation per name, however many sources or instances carry it (kernel, gpg-pubkey, a snap and a deb).
  const failing = new Map<string, FailingName>();
  for (const pkg of facts.packages) {
    const verdict = judgePackage(pkg, policy);
    if (verdict === undefined) continue;
    const subject = subjectOf(pkg);
    const key = subject.toLowerCase();
    let entry = failing.get(key);
    if (entry === undefined) {
      entry = { subject, denied: [], unapproved: [] };
      failing.set(key, entry);
    }
    if (verdict.kind === "unapproved") entry.unapproved.push(pkg);
    else {
      entry.denied.push(pkg);
      // The first deny rule in policy order names the violation.
      if (entry.deny === undefined || verdict.index < entry.deny.index) entry.deny = verdict;
    }
  }
  const groups = [...failing.values()].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  // A deny outranks unapproved instances of the same name.
  const violations = groups
    .slice(0, MAX_VIOLATIONS)
    .map((g) => (g.deny !== undefined ? toViolation(g.subject, g.denied, g.deny) : toViolation(g.subject, g.unapproved, { kind: "unapproved" })));
  const notes = [problems, groups.length > MAX_VIOLATIONS ? `${groups.length - MAX_VIOLATIONS} more violations not listed` : undefined].filter(
    (n): n is string => n !== undefined,
  );
  const reason = notes.length > 0 ? clip(notes.join("; ")) : undefined;
  return violations.length === 0 ? pass("software", reason) : fail("software", violations, reason);
}

/** The package name; a violation needs a non-empty subject even if a source gave no name. */
function subjectOf(pkg: InstalledPackage): string {
  const name = pkg.name.trim();
  return name !== "" ? name : (pkg.bundleId ?? "(unnamed package)");
}

/** "nmap 7.93+dfsg1-1 (dpkg)". */
export function describeInstance(pkg: InstalledPackage): string {
  return `${pkg.name}${pkg.version !== "" ? ` ${pkg.version}` : ""} (${pkg.source})`;
}

function toViolation(subject: string, instances: readonly InstalledPackage[], verdict: Verdict): CheckViolation {
  const listed = instances.slice(0, LISTED_INSTANCES).map(describeInstance);
  if (instances.length > LISTED_INSTANCES) listed.push(`${instances.length - LISTED_INSTANCES} more`);
  const observed = clip(listed.join(", "));
  if (verdict.kind === "unapproved") {
    return {
      subject: subject.slice(0, MAX_SUBJECT),
      message: clip(`${observed} is installed but not on IT's allowlist of approved software`),
      observed,
      expected: "on IT's allowlist",
      rule: "unapproved",
    };
  }
  const rule = verdict.rule;
  const ruleName = ruleLabel(rule);
  const why = rule.reason !== undefined && rule.reason !== "" ? rule.reason : `denied by rule ${ruleName}`;
  return {
    subject: subject.slice(0, MAX_SUBJECT),
    message: clip(`${observed} is prohibited: ${why} (rule ${ruleName})`),
    observed,
    expected: clip(`not installed (${why})`),
    rule: ruleName.slice(0, 100),
  };
}

/** A rule's id, or what it matches on when IT gave it none. */
function ruleLabel(rule: SoftwareRule): string {
  if (rule.id !== undefined) return rule.id;
  const parts = [
    rule.name !== undefined ? `name=${rule.name}` : undefined,
    rule.bundleId !== undefined ? `bundleId=${rule.bundleId}` : undefined,
    rule.publisher !== undefined ? `publisher=${rule.publisher}` : undefined,
    rule.source !== undefined ? `source=${rule.source}` : undefined,
    rule.version !== undefined ? `version${rule.version}` : undefined,
  ];
  return parts.filter((p) => p !== undefined).join(" ");
}

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}
