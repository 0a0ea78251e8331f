/**
 * What one comparison of two sides says: its direction, test, estimate, interval and what
 * it could detect. The shape every verdict (verdict.ts, exact.ts) returns and the parts
 * that read them (shape.ts) take; it sits below them so none imports the other back.
 */

export type Direction = "lower" | "higher" | "no-change" | "inconclusive";
export type InconclusiveReason =
  /** Either side has no samples. */
  | { kind: "no-samples" }
  /** No p below alpha is attainable with this many runs; `needed` runs per side (pairs) would make it so. */
  | { kind: "too-few-runs"; n: number; needed: number };

export interface TestOutcome {
  test: "wilcoxon-signed-rank" | "mann-whitney" | "minimum-permutation" | "exact";
  paired: boolean;
  /** "lower": candidate significantly lower (faster/smaller); "higher"; "no-change"; "inconclusive". */
  direction: Direction;
  /** Two-sided p; null when not tested (no samples). Given even when too few runs. */
  pValue: number | null;
  /** (baseline − candidate) as % of `reference`: positive = candidate lower. */
  estimatePct: number | null;
  /** Same sign convention, low <= high; null when too few runs for an interval. */
  ciPct: { low: number; high: number } | null;
  /** The same in the quantity's unit (estimatePct × reference / 100). */
  estimate: number | null;
  ci: { low: number; high: number } | null;
  /** Could detect ± this, % of `reference`, at power 0.8 (the slower side: e^m − 1 on the log scale). */
  mdePct: number | null;
  /** In the unit. */
  mde: number | null;
  /** 1 − alpha. */
  confidence: number;
  reason: InconclusiveReason | null;
  n: { baseline: number; candidate: number };
  /** What the % are of: the baseline median (typical case) or the baseline minimum (best case). */
  reference: number | null;
  /** "difference" when a sample is ≤ 0 (no logarithms), and always for the best case. */
  scale: "log-ratio" | "difference";
}
