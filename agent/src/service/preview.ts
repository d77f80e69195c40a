// Preview, pure: what a candidate policy's results would open and resolve against the results the current policy gave.
import { type CheckResult, MAX_PREVIEW_ITEMS, type PreviewItem, type PreviewResultFrame } from "@wegroup/shared";

type Judged = Pick<CheckResult, "check" | "status" | "violations">;

/** The violations of a result set by `check subject` (unknown results say nothing either way, so they are left out). */
function failing(results: readonly Judged[]): Map<string, PreviewItem> {
  const out = new Map<string, PreviewItem>();
  for (const r of results) {
    if (r.status === "unknown") continue;
    for (const v of r.violations) {
      const title = v.title?.name;
      out.set(`${r.check}\u0000${v.subject}`, { check: r.check, subject: v.subject, ...(title === undefined ? {} : { title }) });
    }
  }
  return out;
}

/**
 * `current`: the results the agent holds under its policy; `candidate`: the same checks judged by the candidate.
 * A check the candidate could not judge (unknown) changes nothing in the answer; a check missing from `current`
 * counts as passing before.
 */
export function previewOf(id: string, current: readonly Judged[], candidate: readonly Judged[]): PreviewResultFrame {
  const judged = new Set(candidate.filter((r) => r.status !== "unknown").map((r) => r.check));
  const before = failing(current.filter((r) => judged.has(r.check)));
  const after = failing(candidate);
  const opened = [...after].filter(([key]) => !before.has(key)).map(([, item]) => item);
  const resolved = [...before].filter(([key]) => !after.has(key)).map(([, item]) => item);
  const omitted = Math.max(0, opened.length - MAX_PREVIEW_ITEMS) + Math.max(0, resolved.length - MAX_PREVIEW_ITEMS);
  return {
    type: "preview-result",
    id,
    opened: opened.slice(0, MAX_PREVIEW_ITEMS),
    resolved: resolved.slice(0, MAX_PREVIEW_ITEMS),
    ...(omitted > 0 ? { omitted } : {}),
  };
}
