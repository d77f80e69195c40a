// The benchmark's figures: each a value with the baseline measured in the same run and their ratio, printed as one table and kept for results.json.

export interface Target {
  text: string;
  /** Judged on the full run only; null on --quick or when the figure is missing. */
  met: boolean | null;
}

export interface Figure {
  id: string;
  label: string;
  unit: string;
  value: number | null;
  baseline: number | null;
  /** What the baseline is, e.g. "bare ws, same sockets". */
  baselineLabel: string;
  /** value ÷ baseline. */
  ratio: number | null;
  target?: Target;
  note?: string;
}

export interface FigureInput {
  id: string;
  label: string;
  unit: string;
  value: number | null;
  baseline: number | null;
  baselineLabel: string;
  note?: string | undefined;
  /** Judges the figure (value, ratio) against its target. */
  target?: { text: string; test(value: number, ratio: number | null): boolean } | undefined;
}

export function figure(input: FigureInput, judge: boolean): Figure {
  const { value, baseline } = input;
  const ratio =
    value !== null && baseline !== null && baseline !== 0 && Number.isFinite(value) && Number.isFinite(baseline) ? value / baseline : null;
  const out: Figure = { id: input.id, label: input.label, unit: input.unit, value, baseline, baselineLabel: input.baselineLabel, ratio };
  if (input.target !== undefined)
    out.target = { text: input.target.text, met: judge && value !== null ? input.target.test(value, ratio) : null };
  if (input.note !== undefined) out.note = input.note;
  return out;
}

export function formatNumber(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const text = value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit === "" ? text : `${text} ${unit}`;
}

const formatRatio = (ratio: number | null): string =>
  ratio === null ? "—" : `${ratio.toLocaleString("en-US", { maximumFractionDigits: ratio >= 10 ? 1 : 2 })}×`;

const verdict = (t: Target | undefined): string => (t === undefined ? "" : t.met === null ? "(not judged)" : t.met ? "met" : "MISSED");

/** One plain-text table: figure, value, baseline (and what it is), ratio, target, verdict. */
export function renderTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.label,
    formatNumber(f.value, f.unit),
    `${formatNumber(f.baseline, f.unit)} (${f.baselineLabel})`,
    formatRatio(f.ratio),
    f.target?.text ?? "",
    verdict(f.target),
  ]);
  const header = ["figure", "value", "baseline, same run", "ratio", "target", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
