// Small statistics over samples: percentiles by nearest rank, medians, maxima, tallies.

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export const max = (values: readonly number[]): number => values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);

/** Adds up tallies (cause → count) from several processes. */
export function mergeCounts(tallies: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const tally of tallies) for (const [k, v] of Object.entries(tally)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** "ECONNREFUSED 12, closed 1013 3": a tally as a short phrase. */
export function describeCounts(tally: Record<string, number>): string {
  const entries = Object.entries(tally).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? "none" : entries.map(([k, v]) => `${k} ×${v}`).join(", ");
}
