// The fleet's answers to a policy preview folded by (check, subject): pure.
import type { PolicyPreview, PolicyPreviewItem, PreviewItem, PreviewResultFrame } from "@wegroup/shared";

export interface PreviewAnswer {
  deviceId: string;
  hostname: string;
  frame: PreviewResultFrame;
}

function fold(answers: readonly PreviewAnswer[], side: "opened" | "resolved"): PolicyPreviewItem[] {
  const by = new Map<string, PolicyPreviewItem>();
  for (const a of answers) {
    for (const item of a.frame[side] as PreviewItem[]) {
      const key = `${item.check}\u0000${item.subject}`;
      const entry = by.get(key) ?? { check: item.check, subject: item.subject, title: item.title ?? item.subject, devices: [] };
      entry.devices.push({ deviceId: a.deviceId, hostname: a.hostname });
      by.set(key, entry);
    }
  }
  // Most devices first, then by check and title, so that the largest effect leads.
  return [...by.values()]
    .map((e) => ({ ...e, devices: e.devices.sort((x, y) => x.hostname.localeCompare(y.hostname) || x.deviceId.localeCompare(y.deviceId)) }))
    .sort((x, y) => y.devices.length - x.devices.length || x.check.localeCompare(y.check) || x.title.localeCompare(y.title));
}

/** `enrolled`: every enrolled device; the ones without an answer count as not previewed. */
export function summarizePreview(answers: readonly PreviewAnswer[], enrolled: number): PolicyPreview {
  const omitted = answers.reduce((n, a) => n + (a.frame.omitted ?? 0), 0);
  return {
    devices: answers.length,
    notPreviewed: Math.max(0, enrolled - answers.length),
    opened: fold(answers, "opened"),
    resolved: fold(answers, "resolved"),
    ...(omitted > 0 ? { omitted } : {}),
  };
}
