// The fleet's software titles that are not approved, folded from grouped software violations (pure).
import type {
  DenyCategory,
  SoftwareQuery,
  SoftwareSource,
  SoftwareTitleDetail,
  SoftwareTitleSummary,
  SoftwareVerdict,
} from "@wegroup/shared";
import type { SoftwareViolationGroup } from "../store/software.js";
import { canonicalJson } from "../violations/record.js";

const VERDICT_ORDER: Readonly<Record<SoftwareVerdict, number>> = { denied: 0, unapproved: 1, exempted: 2 };

/** An older agent sent no title detail: its deny rules named themselves, its unapproved findings said "unapproved". */
const UNAPPROVED_RULE = "unapproved";

export function verdictOf(group: Pick<SoftwareViolationGroup, "status" | "rule" | "title">): SoftwareVerdict {
  if (group.status === "exempted") return "exempted";
  if (group.title !== null) return group.title.verdict;
  return group.rule === null || group.rule === UNAPPROVED_RULE ? "unapproved" : "denied";
}

/** Which lasting rows a status asks for: exempted rows are one status, denied and unapproved are open rows. */
export function rowStatusFor(status: SoftwareQuery["status"]): "open" | "exempted" | "lasting" {
  if (status === "exempted") return "exempted";
  return status === "all" ? "lasting" : "open";
}

/** Counts devices per value and answers the value most devices have (ties: the first in canonical order, so answers are stable). */
class Tally<T> {
  readonly #counts = new Map<string, { value: T; n: number }>();

  add(value: T, n: number): void {
    const key = canonicalJson(value);
    const entry = this.#counts.get(key);
    if (entry === undefined) this.#counts.set(key, { value, n });
    else entry.n += n;
  }

  mostCommon(): T | undefined {
    let best: { key: string; value: T; n: number } | undefined;
    for (const [key, { value, n }] of this.#counts) {
      if (best === undefined || n > best.n || (n === best.n && key < best.key)) best = { key, value, n };
    }
    return best?.value;
  }
}

interface Fold {
  key: string;
  verdict: SoftwareVerdict;
  devices: number;
  names: Tally<string>;
  identities: Tally<SoftwareTitleDetail["identity"]>;
  categories: Tally<DenyCategory>;
  versions: Set<string>;
  sources: Set<SoftwareSource>;
}

/**
 * One item per (title key, verdict): a title denied on some devices and exempted on others is listed under
 * each verdict with its own device count. Denied first, then unapproved, then exempted; most devices first.
 */
export function fleetTitles(groups: readonly SoftwareViolationGroup[], status: SoftwareQuery["status"]): SoftwareTitleSummary[] {
  const folds = new Map<string, Fold>();
  for (const group of groups) {
    const verdict = verdictOf(group);
    if (status !== "all" && verdict !== status) continue;
    const id = `${verdict}\u0000${group.subject}`;
    let fold = folds.get(id);
    if (fold === undefined) {
      fold = {
        key: group.subject,
        verdict,
        devices: 0,
        names: new Tally(),
        identities: new Tally(),
        categories: new Tally(),
        versions: new Set(),
        sources: new Set(),
      };
      folds.set(id, fold);
    }
    fold.devices += group.devices;
    const title = group.title;
    fold.names.add(title?.name ?? group.subject, group.devices);
    fold.identities.add(title?.identity ?? {}, group.devices);
    if (title?.category !== undefined) fold.categories.add(title.category, group.devices);
    for (const v of title?.versions ?? []) fold.versions.add(v);
    for (const s of title?.sources ?? []) fold.sources.add(s);
  }
  return [...folds.values()].map(summaryOf).sort(byVerdictThenDevices);
}

function summaryOf(fold: Fold): SoftwareTitleSummary {
  const category = fold.categories.mostCommon();
  return {
    title: fold.names.mostCommon() ?? fold.key,
    key: fold.key,
    check: "software",
    verdict: fold.verdict,
    ...(category === undefined ? {} : { category }),
    devices: fold.devices,
    versions: [...fold.versions].sort(naturalOrder),
    sources: [...fold.sources].sort(),
    identity: fold.identities.mostCommon() ?? {},
  };
}

const naturalOrder = (a: string, b: string): number => a.localeCompare(b, "en", { numeric: true });

function byVerdictThenDevices(a: SoftwareTitleSummary, b: SoftwareTitleSummary): number {
  return (
    VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] ||
    b.devices - a.devices ||
    naturalOrder(a.title, b.title) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}
