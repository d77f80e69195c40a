// Software titles against IT's policy: a deny always wins, whatever the title's scope; the allowlist judges what a person installed, by identity.
import {
  fail,
  pass,
  unknown,
  type CheckResult,
  type CheckViolation,
  type SoftwarePolicy,
  type SoftwareRule,
  type SoftwareTitleDetail,
} from "@wegroup/shared";
import type { SoftwareFacts, SoftwareTitle } from "./facts.js";
import { viewOf } from "./match/rule.js";
import { RuleSet } from "./match/rule-set.js";

interface CompiledPolicy {
  /** An allow rule's version range must hold for every installed version; a deny rule's for one. */
  allow: RuleSet;
  deny: RuleSet;
}

// Policies are immutable once validated: compile each one once, however many times it is evaluated.
const compiledPolicies = new WeakMap<SoftwarePolicy, CompiledPolicy>();

export function compilePolicy(policy: SoftwarePolicy): CompiledPolicy {
  let compiled = compiledPolicies.get(policy);
  if (compiled === undefined) {
    compiled = { allow: new RuleSet(policy.allow, "every"), deny: new RuleSet(policy.deny, "some") };
    compiledPolicies.set(policy, compiled);
  }
  return compiled;
}

/**
 * What the policy says of one title:
 * - `denied` by the first deny rule (in policy order) that names it, whatever its scope;
 * - `inherited`: a component, or a dependency of unknown provenance, which takes the verdict of what it belongs to
 *   (a dependency whose origin is known is judged like an installed title: a package pulled in from outside the
 *   distribution's archive is software the machine got from elsewhere);
 * - `approved` by the first allow rule (or by denylist mode), `unapproved` when none approves it;
 * - `unknown` when its identity could not be read, so the allowlist cannot judge it.
 */
export type Verdict =
  | { kind: "denied"; rule: SoftwareRule; index: number }
  | { kind: "inherited" }
  | { kind: "approved"; rule?: SoftwareRule }
  | { kind: "unapproved" }
  | { kind: "unknown"; reason: string };

export function judgeTitle(title: SoftwareTitle, policy: SoftwarePolicy): Verdict {
  return judgeCompiled(title, policy, compilePolicy(policy));
}

function judgeCompiled(title: SoftwareTitle, policy: SoftwarePolicy, compiled: CompiledPolicy): Verdict {
  const view = viewOf(title);
  const denied = compiled.deny.firstMatch(view);
  if (denied !== undefined) return { kind: "denied", rule: denied.rule, index: denied.index };
  if (title.scope === "component") return { kind: "inherited" };
  if (title.scope === "dependency" && (title.unknown !== undefined || !hasIdentity(title))) return { kind: "inherited" };
  if (policy.mode === "denylist") return { kind: "approved" };
  if (title.unknown !== undefined) return { kind: "unknown", reason: title.unknown };
  const allowed = compiled.allow.firstMatch(view);
  return allowed !== undefined ? { kind: "approved", rule: allowed.rule } : { kind: "unapproved" };
}

const hasIdentity = (title: SoftwareTitle) => Object.values(title.identity).some((v) => v !== undefined);

const MAX_VIOLATIONS = 10_000;
const MAX_TEXT = 2_000;
const MAX_SUBJECT = 300;
const LISTED = 5;

export function evaluateSoftware(facts: SoftwareFacts, policy: SoftwarePolicy): CheckResult {
  const problems = facts.problems.length > 0 ? `could not read: ${facts.problems.join("; ")}` : undefined;
  if (facts.sources.length === 0) {
    return unknown(
      "software",
      clip(
        problems === undefined
          ? "no software inventory could be read on this machine"
          : `no software inventory could be read (${problems})`,
      ),
    );
  }
  const failing: { title: SoftwareTitle; verdict: Extract<Verdict, { kind: "denied" | "unapproved" }> }[] = [];
  const counts = { denied: 0, unapproved: 0, approved: 0, inherited: 0, unknown: 0 };
  const unknownReasons = new Map<string, number>();
  const compiled = compilePolicy(policy);
  for (const title of facts.titles) {
    const verdict = judgeCompiled(title, policy, compiled);
    counts[verdict.kind]++;
    if (verdict.kind === "denied" || verdict.kind === "unapproved") failing.push({ title, verdict });
    else if (verdict.kind === "unknown") unknownReasons.set(verdict.reason, (unknownReasons.get(verdict.reason) ?? 0) + 1);
  }
  // Denied first, then by name: what the security team reads first.
  failing.sort((a, b) => rank(a.verdict) - rank(b.verdict) || compare(a.title.key, b.title.key));
  // Only the first title of each subject becomes a violation: built after the dedupe, the others cost nothing.
  const violations = dedupeSubjects(failing.slice(0, MAX_VIOLATIONS)).map(({ title, verdict }) => toViolation(title, verdict));
  const summary = `${facts.titles.length} titles: ${counts.denied} denied, ${counts.unapproved} unapproved, ${counts.approved} approved, ${counts.unknown} not judged, ${counts.inherited} dependencies or components`;
  const notJudged = [...unknownReasons].map(([reason, n]) => `${n} not judged (${reason})`).join("; ");
  const notes = [
    summary,
    notJudged === "" ? undefined : notJudged,
    problems,
    failing.length > MAX_VIOLATIONS ? `${failing.length - MAX_VIOLATIONS} more violations not listed` : undefined,
  ];
  const reason = clip(notes.filter((n): n is string => n !== undefined).join("; "));
  if (violations.length > 0) return fail("software", violations, reason);
  // A title that could not be judged is never approved: the check cannot say "pass" for it.
  return counts.unknown > 0 ? unknown("software", reason) : pass("software", reason);
}

const rank = (verdict: { kind: string }) => (verdict.kind === "denied" ? 0 : 1);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Keys are unique per machine by construction; a collision (two sources, one key) keeps the first, denied, one. */
function dedupeSubjects<T extends { title: SoftwareTitle }>(failing: T[]): T[] {
  const seen = new Set<string>();
  return failing.filter(({ title }) => {
    const subject = subjectOf(title);
    return !seen.has(subject) && (seen.add(subject), true);
  });
}

/** The title's key; a violation needs a non-empty subject even if a source gave no name. */
function subjectOf(title: SoftwareTitle): string {
  const key = title.key.trim();
  return (key !== "" ? key : (title.bundleId ?? title.ids[0] ?? "(unnamed software)")).slice(0, MAX_SUBJECT);
}

/** "Wireshark 4.0.3, 4.2.0 (app, homebrew)". */
export function describeTitle(title: SoftwareTitle): string {
  const versions = title.versions.slice(0, LISTED).join(", ");
  const more = title.versions.length > LISTED ? ` and ${title.versions.length - LISTED} more` : "";
  return `${title.name}${versions !== "" ? ` ${versions}${more}` : ""} (${title.sources.join(", ")})`;
}

/** "signed by Developer ID Application: Google LLC (EQHXZ8M8AV)", "from dl.google.com/linux/chrome/deb", "unsigned". */
export function describeIdentity(title: SoftwareTitle): string {
  const { teamId, signer, origin, publisher } = title.identity;
  const parts: string[] = [];
  if (signer !== undefined) parts.push(`signed by ${signer}`);
  else if (teamId !== undefined) parts.push(`signing team ${teamId}`);
  else if (publisher !== undefined) parts.push(`published by ${publisher}`);
  if (origin !== undefined) parts.push(origin === "local" ? "installed from a local file (no repository offers it)" : `from ${origin}`);
  if (parts.length === 0)
    parts.push(
      title.declaredPublisher !== undefined
        ? `no verified identity (claims to be from ${title.declaredPublisher})`
        : "no verified identity",
    );
  return parts.join(", ");
}

function toViolation(title: SoftwareTitle, verdict: Extract<Verdict, { kind: "denied" | "unapproved" }>): CheckViolation {
  const what = describeTitle(title);
  const identity = describeIdentity(title);
  const observed = clip(`${what}; ${identity}`);
  const detail = titleDetail(title, verdict);
  const subject = subjectOf(title);
  if (verdict.kind === "unapproved") {
    return {
      subject,
      message: clip(`${what} is not approved: no allow rule of IT's policy matches it (${identity})`),
      observed,
      expected: "approved by IT (on the allowlist)",
      rule: "unapproved",
      title: detail,
    };
  }
  const rule = verdict.rule;
  const ruleName = ruleLabel(rule);
  const category = rule.category !== undefined ? ` — ${rule.category}` : "";
  const why = rule.reason !== undefined && rule.reason !== "" ? `: ${rule.reason}` : "";
  const inherited =
    title.scope === "installed"
      ? ""
      : title.scope === "dependency"
        ? " (installed as a dependency)"
        : " (installed as a component of other software)";
  return {
    subject,
    message: clip(`${title.name}${category}: prohibited software${why}${inherited}; found ${what} (rule ${ruleName})`),
    observed,
    expected: clip(`not installed${rule.category !== undefined ? ` (${rule.category})` : ""}`),
    rule: ruleName.slice(0, 100),
    title: detail,
  };
}

function titleDetail(title: SoftwareTitle, verdict: Extract<Verdict, { kind: "denied" | "unapproved" }>): SoftwareTitleDetail {
  const short = (s: string) => s.slice(0, 300);
  const identity: SoftwareTitleDetail["identity"] = {};
  for (const field of ["teamId", "signer", "origin", "publisher"] as const) {
    const value = title.identity[field];
    if (value !== undefined) identity[field] = short(value);
  }
  const detail: SoftwareTitleDetail = {
    name: short(title.name),
    verdict: verdict.kind,
    versions: title.versions.slice(0, 20).map(short),
    sources: title.sources.slice(0, 10),
    identity,
    scope: title.scope,
  };
  if (verdict.kind === "denied" && verdict.rule.category !== undefined) detail.category = verdict.rule.category;
  if (title.declaredPublisher !== undefined) detail.declaredPublisher = short(title.declaredPublisher);
  if (title.bundleId !== undefined) detail.bundleId = short(title.bundleId);
  return detail;
}

/** A rule's id, or what it matches on when IT gave it none. */
export function ruleLabel(rule: SoftwareRule): string {
  if (rule.id !== undefined) return rule.id;
  const fields = ["name", "bundleId", "teamId", "signer", "origin", "publisher", "source"] as const;
  const parts = fields.filter((f) => rule[f] !== undefined).map((f) => `${f}=${rule[f]}`);
  if (rule.version !== undefined) parts.push(`version${rule.version}`);
  return parts.join(" ");
}

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}
